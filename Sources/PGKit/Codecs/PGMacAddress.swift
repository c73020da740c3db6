/// A `macaddr` value: a 6-byte (EUI-48) MAC address, shown as `08:00:2b:01:02:03`.
///
/// ```swift
/// let device = try PGMacAddress("08:00:2B:01:02:03")
/// ```
public struct PGMacAddress: Hashable, Sendable, CustomStringConvertible {
    /// The six bytes, first byte first.
    public let bytes: [UInt8]

    /// Exactly six bytes.
    public init(bytes: [UInt8]) throws(PGError) {
        guard bytes.count == 6 else { throw PGError(.invalidParameter, "a macaddr has 6 bytes, not \(bytes.count)") }
        self.bytes = bytes
    }

    /// Parses six hexadecimal pairs separated by `:` or `-` (`08:00:2b:01:02:03`), or twelve
    /// hexadecimal digits (`08002b010203`).
    public init(_ text: String) throws(PGError) {
        guard let bytes = MacAddressText.parse(text, count: 6) else {
            throw PGError(.invalidParameter, "invalid macaddr value: \"\(text)\"")
        }
        self.bytes = bytes
    }

    /// PostgreSQL's output form: lowercase hexadecimal pairs joined by `:`.
    public var description: String { MacAddressText.format(bytes) }
}

extension PGMacAddress: PGCodable {
    public static var pgDataType: PGDataType { .macaddr }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeBytes(bytes) }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .macaddr, for: PGMacAddress.self)
        guard buffer.readableBytes == 6 else {
            throw PGError(.decodingFailed, "malformed macaddr value: \(buffer.readableBytes) bytes, expected 6")
        }
        bytes = Array(buffer.readRemaining())
    }
}

/// Text forms shared by `PGMacAddress` and `PGMacAddress8`.
enum MacAddressText {
    static func parse(_ text: String, count: Int) -> [UInt8]? {
        let hex = Array(text.utf8)
        var digits: [UInt8] = []
        if hex.count == count * 2 {
            digits = hex
        } else if hex.count == count * 3 - 1 {
            let separator = hex[2]
            guard separator == UInt8(ascii: ":") || separator == UInt8(ascii: "-") else { return nil }
            for (index, byte) in hex.enumerated() {
                if index % 3 == 2 {
                    guard byte == separator else { return nil }
                } else {
                    digits.append(byte)
                }
            }
        } else {
            return nil
        }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func format(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
