/// A `macaddr8` value: an 8-byte (EUI-64) MAC address, shown as `08:00:2b:01:02:03:04:05`.
///
/// ```swift
/// let interface = try PGMacAddress8("08:00:2b:01:02:03:04:05")
/// let fromEUI48 = PGMacAddress8(try PGMacAddress("08:00:2b:01:02:03"))   // 08:00:2b:ff:fe:01:02:03
/// ```
public struct PGMacAddress8: Hashable, Sendable, CustomStringConvertible {
    /// The eight bytes, first byte first.
    public let bytes: [UInt8]

    /// Exactly eight bytes.
    public init(bytes: [UInt8]) throws(PGError) {
        guard bytes.count == 8 else { throw PGError(.invalidParameter, "a macaddr8 has 8 bytes, not \(bytes.count)") }
        self.bytes = bytes
    }

    /// Parses eight hexadecimal pairs separated by `:` or `-`, or sixteen hexadecimal digits.
    public init(_ text: String) throws(PGError) {
        guard let bytes = MacAddressText.parse(text, count: 8) else {
            throw PGError(.invalidParameter, "invalid macaddr8 value: \"\(text)\"")
        }
        self.bytes = bytes
    }

    /// A 6-byte address as PostgreSQL's `macaddr8(macaddr)` converts it: `ff:fe` in the middle.
    public init(_ address: PGMacAddress) {
        bytes = Array(address.bytes[0..<3]) + [0xFF, 0xFE] + Array(address.bytes[3..<6])
    }

    /// PostgreSQL's output form: lowercase hexadecimal pairs joined by `:`.
    public var description: String { MacAddressText.format(bytes) }
}

extension PGMacAddress8: PGCodable {
    public static var pgDataType: PGDataType { .macaddr8 }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeBytes(bytes) }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .macaddr8, for: PGMacAddress8.self)
        guard buffer.readableBytes == 8 else {
            throw PGError(.decodingFailed, "malformed macaddr8 value: \(buffer.readableBytes) bytes, expected 8")
        }
        bytes = Array(buffer.readRemaining())
    }
}
