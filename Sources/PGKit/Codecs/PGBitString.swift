/// A `bit(n)` or `bit varying(n)` value: a string of bits, such as pgvector's binary
/// quantization (`binary_quantize(embedding)`) compared with `<~>` (Hamming distance).
///
/// ```swift
/// let code = try PGBitString("10110")
/// let near = try await conn.query("SELECT id FROM items ORDER BY binary_quantize(embedding)::bit(384) <~> \(code) LIMIT 10")
/// ```
///
/// Sent as `bit` without a length, which a `bit(n)` column accepts only when the length is
/// `n` (a mismatch is the server's error, never padded or cut); reads `bit` and `varbit`.
/// Beware SQL's `::bit`: a cast to `bit` without a length is a cast to `bit(1)`, which keeps
/// the first bit only. Leave the parameter uncast, or cast to `bit(n)` or `varbit`.
public struct PGBitString: Hashable, Sendable, CustomStringConvertible {
    /// The number of bits.
    public let count: Int
    /// The bits packed eight to a byte, first bit in the high bit; unused low bits are zero.
    public let bytes: [UInt8]

    /// Parses `0` and `1` characters (`"0101"`; empty for no bits).
    public init(_ text: String) throws(PGError) {
        var bits: [Bool] = []
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "0"): bits.append(false)
            case UInt8(ascii: "1"): bits.append(true)
            default: throw PGError(.invalidParameter, "\"\(text)\" is not a valid binary digit string")
            }
        }
        self.init(bits)
    }

    /// The bits, first bit first.
    public init(_ bits: [Bool]) {
        var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (index, bit) in bits.enumerated() where bit { bytes[index / 8] |= 0x80 >> UInt8(index % 8) }
        self.count = bits.count
        self.bytes = bytes
    }

    /// `count` bits packed in `bytes` (first bit in the high bit of the first byte); throws
    /// unless there are exactly enough bytes and the unused bits are zero.
    public init(bytes: [UInt8], count: Int) throws(PGError) {
        guard count >= 0, bytes.count == (count + 7) / 8 else {
            throw PGError(.invalidParameter, "\(count) bits need \((max(count, 0) + 7) / 8) bytes, not \(bytes.count)")
        }
        if count % 8 != 0, let last = bytes.last, last & (0xFF >> UInt8(count % 8)) != 0 {
            throw PGError(.invalidParameter, "the unused low bits of the last byte must be zero")
        }
        self.count = count
        self.bytes = bytes
    }

    private init(unchecked bytes: [UInt8], count: Int) {
        self.count = count
        self.bytes = bytes
    }

    /// The bit at `index` (0-based).
    public subscript(index: Int) -> Bool { bytes[index / 8] & (0x80 >> UInt8(index % 8)) != 0 }

    /// The bits, first bit first.
    public var bits: [Bool] { (0..<count).map { self[$0] } }

    /// PostgreSQL's output form: `0101`.
    public var description: String {
        String(decoding: (0..<count).map { self[$0] ? UInt8(ascii: "1") : UInt8(ascii: "0") }, as: UTF8.self)
    }
}

extension PGBitString: PGCodable {
    public static var pgDataType: PGDataType { .bit }

    /// `bit_send`'s format: the number of bits (int32), then the packed bytes.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        guard let length = Int32(exactly: count) else { throw PGError(.invalidParameter, "bit string of \(count) bits is too long") }
        buffer.writeInteger(length)
        buffer.writeBytes(bytes)
    }

    /// Reads `bit` and `varbit` columns.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        guard type == PGDataType.bit.oid || type == PGDataType.varbit.oid else { throw context.mismatch(type, PGBitString.self) }
        let count = Int(try buffer.readInteger(as: Int32.self))
        guard count >= 0, buffer.readableBytes == (count + 7) / 8 else {
            throw PGError(.decodingFailed, "malformed bit string: \(count) bits in \(buffer.readableBytes) bytes")
        }
        let bytes = Array(buffer.readRemaining())
        if count % 8 != 0, let last = bytes.last, last & (0xFF >> UInt8(count % 8)) != 0 {
            throw PGError(.decodingFailed, "malformed bit string: padding bits are set")
        }
        self.init(unchecked: bytes, count: count)
    }
}
