import Foundation

/// A type that can be the bound of a PostgreSQL range: it names its range and multirange
/// types, says how the server puts ranges of it in canonical form, and gives its text as the
/// server writes it inside a range literal.
///
/// `PGRange<Bound>`, `PGMultirange<Bound>` and arrays of them need nothing more than this
/// conformance. PGKit conforms `Int32` (`int4range`), `Int64` (`int8range`), `Date`
/// (`tstzrange`), `PGNumeric` (`numrange`), `PGTimestamp` (`tsrange`) and `PGDate`
/// (`daterange`, discrete: its successor is the next day).
public protocol PGRangeBound: PGCodable, Comparable, Hashable {
    /// The range type over this type, such as `.int4range`.
    static var pgRangeType: PGDataType { get }
    /// The multirange type over this type, such as `.int4multirange`.
    static var pgMultirangeType: PGDataType { get }
    /// For a discrete type (`int4`, `int8`, `date`) the next value, which the server uses to
    /// store every range in `[lower,upper)` form (`[1,5]` is `[1,6)`); throws when there is none
    /// (`Int32.max`), as the server does. Continuous types (`numeric`, timestamps) keep the
    /// default, nil: their ranges are stored as written.
    func pgRangeSuccessor() throws(PGError) -> Self?
    /// The value's text as the server writes it in a range (its type's output form, before
    /// the range's own quoting).
    var pgRangeBoundText: String { get }
}

extension PGRangeBound {
    public func pgRangeSuccessor() throws(PGError) -> Self? { nil }
}

extension Int32: PGRangeBound {
    public static var pgRangeType: PGDataType { .int4range }
    public static var pgMultirangeType: PGDataType { .int4multirange }
    public func pgRangeSuccessor() throws(PGError) -> Int32? {
        guard self < .max else { throw PGError(.invalidParameter, "int4range bound \(self) has no successor: integer out of range") }
        return self + 1
    }
    public var pgRangeBoundText: String { String(self) }
}

extension Int64: PGRangeBound {
    public static var pgRangeType: PGDataType { .int8range }
    public static var pgMultirangeType: PGDataType { .int8multirange }
    public func pgRangeSuccessor() throws(PGError) -> Int64? {
        guard self < .max else { throw PGError(.invalidParameter, "int8range bound \(self) has no successor: bigint out of range") }
        return self + 1
    }
    public var pgRangeBoundText: String { String(self) }
}

extension Date: PGRangeBound {
    public static var pgRangeType: PGDataType { .tstzrange }
    public static var pgMultirangeType: PGDataType { .tstzmultirange }

    /// The `timestamptz` text in UTC with the ISO date style (`2024-03-01 12:00:00.5+00`),
    /// which is what the server writes when the session's `TimeZone` is UTC. The instant is
    /// the one `Date` sends (its microsecond), and PostgreSQL's `infinity` values print as such.
    public var pgRangeBoundText: String {
        var buffer = PGWriteBuffer(capacity: 8)
        guard (try? encode(into: &buffer)) != nil, buffer.count == 8 else { return description }
        let micros = buffer.bytes.reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return TimestampText.utc(microsecondsSince2000: micros)
    }
}

/// PostgreSQL's ISO text of a `timestamptz` in UTC: `2000-01-01 00:00:00+00`, fractional
/// seconds without trailing zeros, `BC` for years before 1, `infinity` and `-infinity`.
enum TimestampText {
    static func utc(microsecondsSince2000 micros: Int64) -> String {
        if micros == .max { return "infinity" }
        if micros == .min { return "-infinity" }
        let perDay: Int64 = 86_400_000_000
        var days = micros / perDay
        var time = micros % perDay
        if time < 0 {
            time += perDay
            days -= 1
        }
        let (year, month, day) = civilDate(daysSince2000: days)
        let seconds = time / 1_000_000
        let fraction = time % 1_000_000
        var text = yearText(year) + "-" + twoDigits(month) + "-" + twoDigits(day) + " "
            + twoDigits(Int(seconds / 3600)) + ":" + twoDigits(Int(seconds / 60 % 60)) + ":" + twoDigits(Int(seconds % 60))
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        text += "+00"
        if year <= 0 { text += " BC" }
        return text
    }

    /// Proleptic Gregorian date for a day count from 2000-01-01 (Howard Hinnant's algorithm).
    static func civilDate(daysSince2000: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSince2000 + 10_957 + 719_468  // days since 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Years as PostgreSQL's ISO style writes them: at least four digits; year 0 is 1 BC.
    static func yearText(_ year: Int) -> String {
        let shown = year > 0 ? year : 1 - year
        let digits = String(shown)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0" + String(value) : String(value) }
}

extension PGNumeric: PGRangeBound {
    public static var pgRangeType: PGDataType { .numrange }
    public static var pgMultirangeType: PGDataType { .nummultirange }
    public var pgRangeBoundText: String { description }
}

extension PGTimestamp: PGRangeBound {
    public static var pgRangeType: PGDataType { .tsrange }
    public static var pgMultirangeType: PGDataType { .tsmultirange }
    public var pgRangeBoundText: String { description }
}

extension PGDate: PGRangeBound {
    public static var pgRangeType: PGDataType { .daterange }
    public static var pgMultirangeType: PGDataType { .datemultirange }

    /// The next day; nil for ±infinity (the server leaves `[2020-01-01,infinity]` as it is).
    public func pgRangeSuccessor() throws(PGError) -> PGDate? {
        guard !isInfinite else { return nil }
        guard daysSince2000 < PGDate.lastDay else { throw PGError(.invalidParameter, "daterange bound \(self) has no successor: date out of range") }
        return PGDate(daysSince2000: daysSince2000 + 1)
    }

    public var pgRangeBoundText: String { description }
}
