/// A PostgreSQL `timetz`: a time of day with a UTC offset (PostgreSQL keeps the offset, not a
/// zone name). Two values are equal when both the time and the offset are.
///
/// ```swift
/// let standup = try PGTimeTZ(try PGTime(hour: 9), utcOffsetSeconds: 3600)
/// print(standup)   // 09:00:00+01
/// ```
public struct PGTimeTZ: Sendable, Hashable, CustomStringConvertible {
    public let time: PGTime
    /// Seconds east of UTC (`+01` is 3600); PostgreSQL allows up to ±15:59:59.
    public let utcOffsetSeconds: Int

    public init(_ time: PGTime, utcOffsetSeconds: Int) throws(PGError) {
        guard abs(utcOffsetSeconds) <= 15 * 3600 + 59 * 60 + 59 else {
            throw PGError(.invalidParameter, "UTC offset of \(utcOffsetSeconds) s is beyond ±15:59:59")
        }
        self.time = time
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// `09:00:00+01`, `23:59:59.5-05:30`.
    public var description: String { time.description + PGCalendar.offsetText(secondsEast: utcOffsetSeconds) }
}

extension PGTimeTZ: PGCodable {
    public static var pgDataType: PGDataType { .timetz }

    /// Binary `timetz`: microseconds, then the zone in seconds *west* of UTC.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(time.microsecondsSinceMidnight)
        buffer.writeInteger(Int32(-utcOffsetSeconds))
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .timetz, for: PGTimeTZ.self)
        let micros = try buffer.readInteger(as: Int64.self)
        let west = try buffer.readInteger(as: Int32.self)
        try buffer.expectEnd("timetz")
        do { try self.init(try PGTime(microsecondsSinceMidnight: micros), utcOffsetSeconds: -Int(west)) } catch {
            throw PGError(.decodingFailed, error.message)
        }
    }
}
