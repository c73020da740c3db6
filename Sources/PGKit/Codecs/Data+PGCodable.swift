import Foundation

extension Data: PGCodable {
    public static var pgDataType: PGDataType { .bytea }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeBytes(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .bytea, for: Data.self)
        self = Data(buffer.readRemaining())
    }
}

extension [UInt8] {
    /// Bytes as `bytea`. (An `[UInt8]` parameter is a bytea, not an array of integers.)
    public var pgBytea: Data { Data(self) }
}
