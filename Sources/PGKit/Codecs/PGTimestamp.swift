import Foundation

/// A PostgreSQL `timestamp` (without time zone): a date and a wall-clock time to the
/// microsecond, or ±infinity. Unlike `Date` it is exact to the microsecond in every year
/// PostgreSQL accepts (4713 BC to 294276 AD) and can say infinity.
///
/// ```swift
/// let launch = try PGTimestamp(year: 2026, month: 12, day: 1, hour: 9, minute: 30, second: 0, microsecond: 250)
/// try await conn.execute("INSERT INTO events (at) VALUES (\(launch))")
/// print(launch)   // 2026-12-01 09:30:00.00025
/// ```
/// It also reads `timestamptz` columns, as the UTC wall-clock time of the instant.
public struct PGTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 2000-01-01 00:00:00; `Int64.max` and `Int64.min` are ±infinity.
    public let microsecondsSince2000: Int64

    public static let infinity = PGTimestamp(microsecondsSince2000: .max)
    public static let negativeInfinity = PGTimestamp(microsecondsSince2000: .min)

    /// PostgreSQL's range: from 4714-11-24 BC 00:00 (inclusive) to 294277-01-01 (exclusive).
    static let first: Int64 = -211_813_488_000_000_000
    static let end: Int64 = 9_223_371_331_200_000_000

    public init(microsecondsSince2000: Int64) { self.microsecondsSince2000 = microsecondsSince2000 }

    /// A wall-clock time on a day of the proleptic Gregorian calendar (astronomical years: 0 is
    /// 1 BC). Throws `.invalidParameter` for a time that does not exist or is out of range.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) throws(PGError) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second), (0..<1_000_000).contains(microsecond),
              PGCalendar.isValid(year: year, month: month, day: day), (-4714...294_277).contains(year) else {
            throw PGError(.invalidParameter, "\(year)-\(month)-\(day) \(hour):\(minute):\(second).\(microsecond) is not a valid timestamp")
        }
        let days = Int64(PGCalendar.julianDay(year: year, month: month, day: day) - PGCalendar.epochJulianDay)
        let time = Int64(((hour * 60 + minute) * 60 + second)) * PGCalendar.microsecondsPerSecond + Int64(microsecond)
        let value = days * PGCalendar.microsecondsPerDay + time
        guard value >= Self.first, value < Self.end else {
            throw PGError(.invalidParameter, "timestamp is outside PostgreSQL's range (4713 BC to 294276 AD)")
        }
        microsecondsSince2000 = value
    }

    /// The UTC wall-clock time of `date`, to the nearest microsecond. `distantFuture` and
    /// `distantPast` are ±infinity, as `Date`'s own codec sends them.
    public init(_ date: Date) throws(PGError) {
        if date == .distantFuture { self = .infinity; return }
        if date == .distantPast { self = .negativeInfinity; return }
        microsecondsSince2000 = try Self.microseconds(since2000: date)
    }

    public var isInfinite: Bool { microsecondsSince2000 == .max || microsecondsSince2000 == .min }

    /// The instant, reading the wall-clock time as UTC; nil for ±infinity. Beyond 2137 `Date`
    /// itself no longer tells neighbouring microseconds apart.
    public var date: Date? {
        guard !isInfinite else { return nil }
        let (seconds, micros) = PGCalendar.floorDivide(microsecondsSince2000, PGCalendar.microsecondsPerSecond)
        let sinceReference = seconds - Self.referenceOffset / PGCalendar.microsecondsPerSecond
        return Date(timeIntervalSinceReferenceDate: Double(sinceReference) + Double(micros) / 1_000_000)
    }

    /// Date and time fields (astronomical year); nil for ±infinity.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int)? {
        guard !isInfinite else { return nil }
        let (days, time) = PGCalendar.floorDivide(microsecondsSince2000, PGCalendar.microsecondsPerDay)
        let (year, month, day) = PGCalendar.date(julianDay: Int(days) + PGCalendar.epochJulianDay)
        return (year, month, day, Int(time / 3_600_000_000), Int(time / 60_000_000 % 60), Int(time / 1_000_000 % 60), Int(time % 1_000_000))
    }

    /// PostgreSQL's ISO text form: `2026-12-01 09:30:00.00025`, `0044-03-15 12:00:00 BC`, `infinity`.
    public var description: String { text(zoneSuffix: "") }

    /// The text form with `suffix` (such as `+00`) between the time and the era.
    func text(zoneSuffix suffix: String) -> String {
        if microsecondsSince2000 == .max { return "infinity" }
        if microsecondsSince2000 == .min { return "-infinity" }
        let (days, time) = PGCalendar.floorDivide(microsecondsSince2000, PGCalendar.microsecondsPerDay)
        let (year, month, day) = PGCalendar.date(julianDay: Int(days) + PGCalendar.epochJulianDay)
        let dateText = PGCalendar.dateText(year: year, month: month, day: day)
        return dateText.date + " " + PGCalendar.timeText(time) + suffix + dateText.era
    }

    public static func < (lhs: PGTimestamp, rhs: PGTimestamp) -> Bool { lhs.microsecondsSince2000 < rhs.microsecondsSince2000 }

    /// Microseconds from 2000-01-01 to 2001-01-01 (Foundation's reference date).
    static let referenceOffset: Int64 = 31_622_400_000_000

    /// The microsecond nearest to `date`, counted from 2000-01-01 UTC, computed without
    /// rounding through a product of doubles (which puts dates after 2300 microseconds off).
    static func microseconds(since2000 date: Date) throws(PGError) -> Int64 {
        let interval = date.timeIntervalSinceReferenceDate
        // The error is built only when thrown: its text formats a Double, which costs more
        // than the rest of the conversion.
        func outOfRange() -> PGError {
            PGError(.invalidParameter, "a Date \(interval) s from 2001-01-01 is outside PostgreSQL's timestamp range (4713 BC to 294276 AD)")
        }
        guard interval.isFinite, abs(interval) < 9.3e12 else { throw outOfRange() }
        let seconds = interval.rounded(.down)
        let fraction = interval - seconds  // exact: both share the binade's precision
        let (scaled, overflow) = Int64(seconds).multipliedReportingOverflow(by: PGCalendar.microsecondsPerSecond)
        let (micros, overflow2) = scaled.addingReportingOverflow(Int64((fraction * 1_000_000).rounded()) + referenceOffset)
        guard !overflow, !overflow2, micros >= first, micros < end else { throw outOfRange() }
        return micros
    }
}

extension PGTimestamp: PGCodable {
    public static var pgDataType: PGDataType { .timestamp }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        guard isInfinite || (microsecondsSince2000 >= Self.first && microsecondsSince2000 < Self.end) else {
            throw PGError(.invalidParameter, "timestamp is outside PostgreSQL's range (4713 BC to 294276 AD)")
        }
        buffer.writeInteger(microsecondsSince2000)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        guard type == PGDataType.timestamp.oid || type == PGDataType.timestamptz.oid else { throw context.mismatch(type, PGTimestamp.self) }
        microsecondsSince2000 = try buffer.readInteger(as: Int64.self)
        try buffer.expectEnd("timestamp")
    }
}
