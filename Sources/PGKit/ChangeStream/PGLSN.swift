/// A position in the write-ahead log (`pg_lsn`), written as PostgreSQL writes it: `16/B374D848`.
public struct PGLSN: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The position as one 64-bit number.
    public var value: UInt64

    /// The position `value`.
    public init(_ value: UInt64) { self.value = value }

    /// Parses `16/B374D848`; nil when the text is not a position.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let high = UInt32(parts[0], radix: 16), let low = UInt32(parts[1], radix: 16) else { return nil }
        value = UInt64(high) << 32 | UInt64(low)
    }

    /// The start of the log (`0/0`): "from wherever the slot is".
    public static let zero = PGLSN(0)

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: PGLSN, rhs: PGLSN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let lsn = PGLSN(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a log position: \(text)"))
        }
        self = lsn
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
