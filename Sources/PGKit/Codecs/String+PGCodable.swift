import Foundation

extension String: PGCodable {
    public static var pgDataType: PGDataType { .text }

    /// Rejects NUL bytes, which PostgreSQL text cannot hold, before anything is sent.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        var copy = self
        let hasNUL = copy.withUTF8 { text in
            guard let start = text.baseAddress, !text.isEmpty else { return false }
            return memchr(start, 0, text.count) != nil
        }
        if hasNUL {
            throw PGError(.invalidParameter, "text contains a NUL byte, which PostgreSQL text cannot store")
        }
        copy.withUTF8 { buffer.writeBytes($0) }
    }

    /// Reads text, varchar, name, bpchar, citext and xml columns, rejecting invalid UTF-8; and
    /// `tsvector`, `tsquery` and `"char"` columns as their PostgreSQL text form (what
    /// `PGTSVector`, `PGTSQuery` and `PGChar` print: a `"char"` byte of 128 or more is `\ooo`).
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case 25, 1043, 19, 1042, 705, 142: break  // text, varchar, name, bpchar, unknown, xml
        case 18:
            self = try PGChar(pgBytes: &buffer, type: type, context: context).description
            return
        case 3614:
            self = try PGTSVector(pgBytes: &buffer, type: type, context: context).description
            return
        case 3615:
            self = try PGTSQuery(pgBytes: &buffer, type: type, context: context).description
            return
        default:
            guard context.types.oid(type, is: .citext) else { throw context.mismatch(type, String.self) }
        }
        let raw = buffer.readRemaining()
        guard let text = UTF8Validation.string(raw) else {
            throw PGError(.decodingFailed, "text value is not valid UTF-8")
        }
        self = text
    }
}

extension Substring: PGEncodable {
    public static var pgDataType: PGDataType { .text }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { try String(self).encode(into: &buffer) }
}
