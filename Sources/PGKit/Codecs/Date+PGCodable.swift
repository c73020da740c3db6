import Foundation

extension Date: PGCodable {
    /// Sent as `timestamptz`, to the nearest microsecond in every year; `distantFuture` and
    /// `distantPast` are sent as `infinity` and `-infinity`.
    public static var pgDataType: PGDataType { .timestamptz }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(try PGTimestamp(self).microsecondsSince2000)
    }

    /// Reads `timestamptz`; `timestamp` (without time zone) as UTC, which it is in a session
    /// whose `TimeZone` is UTC (PGKit's default: see Configuration; in another zone it is a
    /// `.decodingFailed` error, since the server converted it with that zone); and `date` as
    /// midnight UTC. `infinity` and `-infinity` read as `distantFuture` and `distantPast`, and
    /// the one finite instant each would be confused with (4001-01-01 and 0001-01-01 at
    /// midnight UTC) is a `.decodingFailed` error: read those columns as `PGTimestamp`.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.timestamptz.oid, PGDataType.timestamp.oid:
            if type == PGDataType.timestamp.oid, !context.sessionTimeZoneIsUTC {
                throw PGError(.decodingFailed, "a timestamp (without time zone) read in a session whose TimeZone is not UTC has no single instant; read it as PGTimestamp, or keep PGKit's default TimeZone=UTC")
            }
            let micros = try buffer.readInteger(as: Int64.self)
            try buffer.expectEnd("timestamp")
            self = try Self.instant(PGTimestamp(microsecondsSince2000: micros))
        case PGDataType.date.oid:
            let days = try buffer.readInteger(as: Int32.self)
            try buffer.expectEnd("date")
            if days == .max { self = .distantFuture; return }
            if days == .min { self = .distantPast; return }
            let date = PGDate(daysSince2000: days).date!
            if date == .distantFuture || date == .distantPast {
                throw PGError(.decodingFailed, "\(PGDate(daysSince2000: days)) reads as Date.\(date == .distantFuture ? "distantFuture" : "distantPast"), which PGKit sends as infinity; read it as PGDate")
            }
            self = date
        default:
            throw context.mismatch(type, Date.self)
        }
    }

    private static func instant(_ timestamp: PGTimestamp) throws(PGError) -> Date {
        if timestamp == .infinity { return .distantFuture }
        if timestamp == .negativeInfinity { return .distantPast }
        let date = timestamp.date!
        if date == .distantFuture || date == .distantPast {
            throw PGError(.decodingFailed, "\(timestamp) reads as Date.\(date == .distantFuture ? "distantFuture" : "distantPast"), which PGKit sends as \(date == .distantFuture ? "" : "-")infinity; read it as PGTimestamp")
        }
        return date
    }
}
