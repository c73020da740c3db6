extension Optional: PGEncodable where Wrapped: PGEncodable {
    /// `nil` is sent as SQL NULL, typed as the wrapped type.
    public static var pgDataType: PGDataType { Wrapped.pgDataType }
    public var isPGNull: Bool { self == nil }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        if let value = self { try value.encode(into: &buffer) }
    }
}

extension Optional: PGDecodable where Wrapped: PGDecodable {
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try Wrapped(pgBytes: &buffer, type: type, context: context)
    }
    public init(pgNull type: UInt32) throws(PGError) { self = nil }
}
