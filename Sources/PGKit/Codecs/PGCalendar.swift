/// The calendar arithmetic PostgreSQL's date and time types use: the proleptic Gregorian
/// calendar through Julian day numbers (`date2j`/`j2date` in PostgreSQL's sources), with
/// astronomical year numbering (year 0 is 1 BC), and its text formatting.
enum PGCalendar {
    /// The Julian day of 2000-01-01, PostgreSQL's epoch.
    static let epochJulianDay = 2_451_545
    static let microsecondsPerSecond: Int64 = 1_000_000
    static let microsecondsPerDay: Int64 = 86_400_000_000

    /// The Julian day of a date (astronomical years).
    static func julianDay(year: Int, month: Int, day: Int) -> Int {
        var year = year, month = month
        if month > 2 {
            month += 1
            year += 4800
        } else {
            month += 13
            year += 4799
        }
        let century = year / 100
        var julian = year * 365 - 32_167
        julian += year / 4 - century + century / 4
        julian += 7834 * month / 256 + day
        return julian
    }

    /// The date of a Julian day (which must not be negative).
    static func date(julianDay: Int) -> (year: Int, month: Int, day: Int) {
        var julian = julianDay + 32_044
        var quad = julian / 146_097
        let extra = (julian - quad * 146_097) * 4 + 3
        julian += 60 + quad * 3 + extra / 146_097
        quad = julian / 1461
        julian -= quad * 1461
        var year = julian * 4 / 1461
        julian = (year != 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123
        year += quad * 4
        quad = julian * 2141 / 65_536
        let day = julian - 7834 * quad / 256
        let month = (quad + 10) % 12 + 1
        return (year - 4800, month, day)
    }

    /// Whether `year`/`month`/`day` is a real date (astronomical years).
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// `value / divisor` rounded toward negative infinity, and the non-negative remainder.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// `2026-12-01`, `0044-03-15 BC` (PostgreSQL's ISO style: at least four digits, BC after).
    static func dateText(year: Int, month: Int, day: Int) -> (date: String, era: String) {
        let shownYear = year > 0 ? year : -year + 1
        return ("\(pad(shownYear, 4))-\(pad(month, 2))-\(pad(day, 2))", year > 0 ? "" : " BC")
    }

    /// `15:04:05`, `15:04:05.12` (trailing zeros of the fraction dropped, as PostgreSQL does).
    static func timeText(_ microseconds: Int64) -> String {
        let hours = microseconds / 3_600_000_000
        let minutes = microseconds / 60_000_000 % 60
        let seconds = microseconds / 1_000_000 % 60
        let fraction = microseconds % 1_000_000
        return "\(pad(Int(hours), 2)):\(pad(Int(minutes), 2)):\(pad(Int(seconds), 2))" + fractionText(fraction)
    }

    /// `.123` for 123,000 microseconds; empty for none.
    static func fractionText(_ microseconds: Int64) -> String {
        guard microseconds != 0 else { return "" }
        var digits = pad(Int(abs(microseconds)), 6)
        while digits.hasSuffix("0") { digits.removeLast() }
        return "." + digits
    }

    /// `+02`, `-05:30`, `+05:45:30`: a UTC offset in seconds east, as PostgreSQL prints one.
    static func offsetText(secondsEast: Int) -> String {
        let magnitude = abs(secondsEast)
        var text = (secondsEast >= 0 ? "+" : "-") + pad(magnitude / 3600, 2)
        let minutes = magnitude / 60 % 60, seconds = magnitude % 60
        if minutes != 0 || seconds != 0 { text += ":" + pad(minutes, 2) }
        if seconds != 0 { text += ":" + pad(seconds, 2) }
        return text
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
