import Foundation

extension Decimal: PGCodable {
    /// Sent as `numeric`, exactly (no detour through floating point).
    public static var pgDataType: PGDataType { .numeric }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { try PGNumeric(self).encode(into: &buffer) }

    /// Reads `numeric` (and integer columns) exactly: a value with more significant digits
    /// than `Decimal` holds (38), or an infinity, is a `.decodingFailed` error, never a
    /// rounded value. Read such columns as `PGNumeric`.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.numeric.oid: self = try Decimal(exactly: try PGNumeric.read(&buffer))
        case PGDataType.int2.oid, PGDataType.int4.oid, PGDataType.int8.oid:
            self = Decimal(try decodePGInteger(&buffer, type: type, context: context, as: Int64.self))
        default: throw context.mismatch(type, Decimal.self)
        }
    }
}
