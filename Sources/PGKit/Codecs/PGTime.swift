/// A PostgreSQL `time` (without time zone): a time of day to the microsecond, from 00:00:00 to
/// 24:00:00 inclusive, as PostgreSQL allows.
///
/// ```swift
/// let opens = try PGTime(hour: 9, minute: 30)
/// print(opens)   // 09:30:00
/// ```
public struct PGTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since midnight.
    public let microsecondsSinceMidnight: Int64

    /// Throws `.invalidParameter` outside 00:00:00 to 24:00:00.
    public init(microsecondsSinceMidnight: Int64) throws(PGError) {
        guard (0...PGCalendar.microsecondsPerDay).contains(microsecondsSinceMidnight) else {
            throw PGError(.invalidParameter, "time of \(microsecondsSinceMidnight) µs is outside 00:00:00 to 24:00:00")
        }
        self.microsecondsSinceMidnight = microsecondsSinceMidnight
    }

    public init(hour: Int, minute: Int = 0, second: Int = 0, microsecond: Int = 0) throws(PGError) {
        guard (0...24).contains(hour), (0...59).contains(minute), (0...59).contains(second), (0..<1_000_000).contains(microsecond),
              hour < 24 || (minute == 0 && second == 0 && microsecond == 0) else {
            throw PGError(.invalidParameter, "\(hour):\(minute):\(second).\(microsecond) is not a time of day")
        }
        try self.init(microsecondsSinceMidnight: Int64((hour * 60 + minute) * 60 + second) * 1_000_000 + Int64(microsecond))
    }

    /// `09:30:00`, `23:59:59.5`.
    public var description: String { PGCalendar.timeText(microsecondsSinceMidnight) }

    public static func < (lhs: PGTime, rhs: PGTime) -> Bool { lhs.microsecondsSinceMidnight < rhs.microsecondsSinceMidnight }
}

extension PGTime: PGCodable {
    public static var pgDataType: PGDataType { .time }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(microsecondsSinceMidnight) }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .time, for: PGTime.self)
        let micros = try buffer.readInteger(as: Int64.self)
        try buffer.expectEnd("time")
        do { try self.init(microsecondsSinceMidnight: micros) } catch { throw PGError(.decodingFailed, error.message) }
    }
}
