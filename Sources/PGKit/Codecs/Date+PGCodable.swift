import Foundation

/// Seconds between 1970-01-01 (Swift's reference for `timeIntervalSince1970`) and 2000-01-01,
/// PostgreSQL's epoch for timestamps and dates.
let postgresEpochOffset: Double = 946_684_800

extension Date: PGCodable {
    /// Sent as `timestamptz` with microsecond precision.
    public static var pgDataType: PGDataType { .timestamptz }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        let micros = ((timeIntervalSince1970 - postgresEpochOffset) * 1_000_000).rounded()
        guard micros.isFinite, let value = Int64(exactly: micros) else {
            throw PGError(.invalidParameter, "date \(self) is outside PostgreSQL's timestamp range")
        }
        buffer.writeInteger(value)
    }

    /// Reads `timestamptz`, `timestamp` (taken as UTC) and `date` (midnight UTC). PostgreSQL's
    /// `infinity` and `-infinity` become `distantFuture` and `distantPast`.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.timestamptz.oid, PGDataType.timestamp.oid:
            let micros = try buffer.readInteger(as: Int64.self)
            try buffer.expectEnd("timestamp")
            if micros == .max { self = .distantFuture; return }
            if micros == .min { self = .distantPast; return }
            let seconds = Double(micros / 1_000_000) + Double(micros % 1_000_000) / 1_000_000
            self = Date(timeIntervalSince1970: seconds + postgresEpochOffset)
        case PGDataType.date.oid:
            let days = try buffer.readInteger(as: Int32.self)
            try buffer.expectEnd("date")
            if days == .max { self = .distantFuture; return }
            if days == .min { self = .distantPast; return }
            self = Date(timeIntervalSince1970: Double(days) * 86_400 + postgresEpochOffset)
        default:
            throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as Date")
        }
    }
}
