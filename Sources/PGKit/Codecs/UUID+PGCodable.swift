import Foundation

extension UUID: PGCodable {
    public static var pgDataType: PGDataType { .uuid }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        withUnsafeBytes(of: uuid) { buffer.writeBytes($0) }
    }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if type != 2950 { try context.expect(type, is: .uuid, for: UUID.self) }
        let raw = try buffer.readSlice(16)
        try buffer.expectEnd("uuid")
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: raw) }
        self = UUID(uuid: value)
    }
}
