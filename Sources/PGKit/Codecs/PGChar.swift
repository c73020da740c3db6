/// A `"char"` value: the single byte PostgreSQL's internal one-character type holds (the
/// catalogs' `relkind`, `typtype`, ...). Not `char(1)`, which is text (`bpchar`).
///
/// ```swift
/// let kind = try await conn.query("SELECT relkind FROM pg_class WHERE relname = 'users'").scalar(PGChar.self)
/// if kind == PGChar("r") { /* an ordinary table */ }
/// ```
///
/// `description` is PostgreSQL 15's text form: the character for ASCII bytes, `\ooo` (octal)
/// for bytes 128 and up (a `"char"` holds one byte of a UTF-8 character, never a whole one), and
/// the empty string for the zero byte. Reading `"char"` into `String` gives the same text.
public struct PGChar: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The byte.
    public let byte: UInt8

    /// Any byte.
    public init(byte: UInt8) { self.byte = byte }

    /// An ASCII character; nil for any other.
    public init?(_ character: Character) {
        guard let ascii = character.asciiValue else { return nil }
        byte = ascii
    }

    public static func < (lhs: PGChar, rhs: PGChar) -> Bool { lhs.byte < rhs.byte }

    /// PostgreSQL's output form (`charout`): `r`, `\303`, or empty for the zero byte.
    public var description: String {
        if byte == 0 { return "" }
        if byte < 0x80 { return String(UnicodeScalar(byte)) }
        return "\\" + String(byte >> 6) + String(byte >> 3 & 7) + String(byte & 7)
    }
}

extension PGChar: PGCodable {
    public static var pgDataType: PGDataType { .char }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(byte) }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .char, for: PGChar.self)
        guard buffer.readableBytes == 1 else {
            throw PGError(.decodingFailed, "malformed \"char\" value: \(buffer.readableBytes) bytes, expected 1")
        }
        byte = try buffer.readInteger(as: UInt8.self)
    }
}
