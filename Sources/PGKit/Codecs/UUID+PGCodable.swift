import Foundation

extension UUID: PGCodable {
    public static var pgDataType: PGDataType { .uuid }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        withUnsafeBytes(of: uuid) { buffer.writeBytes($0) }
    }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if type != 2950 { try context.expect(type, is: .uuid, for: UUID.self) }
        let count = buffer.readableBytes
        guard count >= 16 else { throw PGError(.decodingFailed, "expected 16 more bytes, found \(count)") }
        guard count == 16 else { throw PGError(.decodingFailed, "\(count - 16) unexpected trailing bytes in uuid value") }
        // The 16 bytes as they are (a uuid's wire form is its byte order), in two loads.
        let raw = buffer.readRemaining()
        let value = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        self = UUID(uuid: unsafeBitCast(value, to: uuid_t.self))
    }
}
