/// A PostgreSQL `interval` as PostgreSQL keeps it: months, days and microseconds, three
/// separate fields (a month is not a fixed number of days, nor a day of seconds across a
/// daylight-saving change), so `1 mon` and `30 days` stay different values.
///
/// ```swift
/// let trial = PGInterval(months: 1, days: 15)
/// try await conn.execute("UPDATE users SET trial_ends = now() + \(trial) WHERE id = \(id)")
/// print(PGInterval(microseconds: 5_400_000_000))   // 01:30:00
/// ```
public struct PGInterval: Sendable, Hashable, CustomStringConvertible {
    public var months: Int32
    public var days: Int32
    public var microseconds: Int64

    public init(months: Int32 = 0, days: Int32 = 0, microseconds: Int64 = 0) {
        self.months = months
        self.days = days
        self.microseconds = microseconds
    }

    /// A fixed length of time (no months or days), to the microsecond (truncated toward zero).
    public init(_ duration: Duration) throws(PGError) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000)
        guard !overflow, !overflow2 else { throw PGError(.invalidParameter, "duration \(duration) is beyond interval's range") }
        self.init(microseconds: total)
    }

    /// PostgreSQL's text form (IntervalStyle `postgres`, the default): `1 year 2 mons 3 days 04:05:06.5`.
    public var description: String {
        let year = Int(months / 12), month = Int(months % 12), day = Int(days)
        var time = microseconds
        let hours = time / 3_600_000_000
        time -= hours * 3_600_000_000
        let minutes = time / 60_000_000
        time -= minutes * 60_000_000
        let seconds = time / 1_000_000
        let fraction = time - seconds * 1_000_000
        var text = ""
        var isZero = true, isBefore = false
        func part(_ value: Int, _ unit: String) {
            guard value != 0 else { return }
            text += (isZero ? "" : " ") + (isBefore && value > 0 ? "+" : "") + "\(value) \(unit)" + (value != 1 ? "s" : "")
            isBefore = value < 0
            isZero = false
        }
        part(year, "year")
        part(month, "mon")
        part(day, "day")
        if isZero || hours != 0 || minutes != 0 || seconds != 0 || fraction != 0 {
            let minus = hours < 0 || minutes < 0 || seconds < 0 || fraction < 0
            text += (isZero ? "" : " ") + (minus ? "-" : (isBefore ? "+" : ""))
            text += PGCalendar.pad(Int(abs(hours)), 2) + ":" + PGCalendar.pad(Int(abs(minutes)), 2) + ":" + PGCalendar.pad(Int(abs(seconds)), 2)
            text += PGCalendar.fractionText(fraction)
        }
        return text
    }
}

extension PGInterval: PGCodable {
    public static var pgDataType: PGDataType { .interval }

    /// Binary `interval`: microseconds, days, months.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(microseconds)
        buffer.writeInteger(days)
        buffer.writeInteger(months)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .interval, for: PGInterval.self)
        microseconds = try buffer.readInteger(as: Int64.self)
        days = try buffer.readInteger(as: Int32.self)
        months = try buffer.readInteger(as: Int32.self)
        try buffer.expectEnd("interval")
    }
}
