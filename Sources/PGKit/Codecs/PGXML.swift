/// An `xml` value, kept as its text. The server checks that it is well-formed XML content
/// (a document or a fragment, per the session's `xmloption`) and refuses it otherwise.
///
/// ```swift
/// let feed = try PGXML("<feed><entry id=\"1\"/></feed>")
/// try await conn.execute("INSERT INTO feeds (body) VALUES (\(feed))")
/// ```
///
/// Refused before sending: NUL characters, and an XML declaration naming an encoding other
/// than UTF-8 (the server would decode PGKit's UTF-8 bytes in that encoding). What the
/// server returns is its output form (`xml_out`, what psql shows): a declaration that says no
/// more than `version="1.0"` is left out. The stored text and `::text` keep it.
/// Reading an `xml` column into `String` gives the same text.
public struct PGXML: Hashable, Sendable, CustomStringConvertible {
    /// The XML text.
    public let text: String

    /// Checks for NUL characters and a non-UTF-8 encoding declaration; well-formedness is
    /// checked by the server.
    public init(_ text: String) throws(PGError) {
        if text.utf8.contains(0) { throw PGError(.invalidParameter, "xml text contains a NUL character") }
        if let encoding = Self.declaredEncoding(text) {
            let name = encoding.lowercased()
            guard name == "utf-8" || name == "utf8" else {
                throw PGError(.invalidParameter, "the XML declaration names encoding \"\(encoding)\"; PGKit sends UTF-8, so declare UTF-8 or leave the encoding out")
            }
        }
        self.text = text
    }

    private init(decoded text: String) { self.text = text }

    /// The `encoding="..."` of a leading XML declaration, if there is one.
    private static func declaredEncoding(_ text: String) -> String? {
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return nil }
        let declaration = text[..<end.lowerBound]
        guard let key = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return String(value)
    }

    /// The XML text.
    public var description: String { text }
}

extension PGXML: PGCodable {
    public static var pgDataType: PGDataType { .xml }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeBytes(text.utf8) }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .xml, for: PGXML.self)
        guard let text = UTF8Validation.string(buffer.readRemaining()) else {
            throw PGError(.decodingFailed, "xml value is not valid UTF-8")
        }
        self.init(decoded: text)
    }
}
