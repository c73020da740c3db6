extension Bool: PGCodable {
    public static var pgDataType: PGDataType { .bool }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(UInt8(self ? 1 : 0)) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .bool, for: Bool.self)
        let byte = try buffer.readInteger(as: UInt8.self)
        try buffer.expectEnd("bool")
        guard byte <= 1 else { throw PGError(.decodingFailed, "invalid bool byte \(byte)") }
        self = byte == 1
    }
}
