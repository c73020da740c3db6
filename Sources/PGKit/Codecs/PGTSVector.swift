/// A `tsvector` value: a sorted list of distinct lexemes, each with the positions (and
/// weights) where it occurs, as full-text search stores documents.
///
/// Made from PostgreSQL's text syntax and kept in the form the server stores, so that
/// `description` is exactly what `tsvector` prints:
/// ```swift
/// let document = try PGTSVector("fat:2,4 cat:3 rat:5A")    // 'cat':3 'fat':2,4 'rat':5A
/// try await conn.execute("UPDATE notes SET search = \(document) WHERE id = \(id)")
/// ```
///
/// Lexemes are sorted by their UTF-8 bytes and duplicates merged, positions sorted and
/// duplicates merged keeping the highest weight, as the server does. Values the server would
/// refuse or silently cut are refused with `.invalidParameter`: empty lexemes, lexemes of 2047
/// bytes or more, positions outside 1...16383 or more than 256 of them, and documents over
/// the server's 1 MB limit. Reading a `tsvector` column into `String` gives the same text.
public struct PGTSVector: Hashable, Sendable, CustomStringConvertible {
    /// The importance of a position: `A` highest, `D` (the default, not printed) lowest.
    public enum Weight: UInt8, Hashable, Sendable, Comparable {
        case d = 0, c = 1, b = 2, a = 3
        public static func < (lhs: Weight, rhs: Weight) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Where a lexeme occurs: a word index from 1 to 16383 and a weight.
    public struct Position: Hashable, Sendable {
        /// The largest position the server keeps.
        public static let maxIndex = 16_383
        /// The word index, 1...16383.
        public let index: Int
        /// The weight, `.d` by default.
        public let weight: Weight

        /// Throws unless `index` is in 1...16383.
        public init(_ index: Int, weight: Weight = .d) throws(PGError) {
            guard (1...Self.maxIndex).contains(index) else {
                throw PGError(.invalidParameter, "tsvector position \(index) is outside 1...\(Self.maxIndex)")
            }
            self.init(unchecked: index, weight: weight)
        }

        init(unchecked index: Int, weight: Weight) {
            self.index = index
            self.weight = weight
        }
    }

    /// One lexeme and its positions (none when the document did not say).
    public struct Lexeme: Hashable, Sendable {
        /// The lexeme's text.
        public let text: String
        /// Its positions, sorted and distinct once part of a `PGTSVector`.
        public let positions: [Position]

        /// A lexeme; checked when it becomes part of a `PGTSVector`.
        public init(_ text: String, positions: [Position] = []) {
            self.text = text
            self.positions = positions
        }
    }

    /// The lexemes, sorted by their UTF-8 bytes, each once.
    public let lexemes: [Lexeme]

    /// Parses PostgreSQL's `tsvector` syntax: lexemes separated by whitespace, quoted with
    /// `'...'` when they hold whitespace or quotes, each optionally followed by `:` and
    /// comma-separated positions with weights (`'it''s':1A,3 cat:2`). The text is taken as the
    /// server's `::tsvector` input takes it: no normalisation, stemming or stop words (that
    /// is `to_tsvector`).
    public init(_ text: String) throws(PGError) {
        var scanner = try TextSearchScanner(text, isQuery: false)
        var lexemes: [Lexeme] = []
        while let token = try scanner.nextLexeme() {
            lexemes.append(Lexeme(token.text, positions: token.positions))
        }
        try self.init(lexemes: lexemes)
    }

    /// A document from lexemes in any order; sorted and merged as the server does.
    public init(lexemes: [Lexeme]) throws(PGError) {
        var byText: [[UInt8]: [Position]] = [:]
        for lexeme in lexemes {
            let bytes = Array(lexeme.text.utf8)
            guard !bytes.isEmpty else { throw PGError(.invalidParameter, "a tsvector lexeme cannot be empty") }
            guard bytes.count < 2047 else {
                throw PGError(.invalidParameter, "tsvector lexeme of \(bytes.count) bytes is too long (at most 2046)")
            }
            guard !bytes.contains(0) else { throw PGError(.invalidParameter, "a tsvector lexeme cannot contain NUL") }
            byText[bytes, default: []].append(contentsOf: lexeme.positions)
        }
        var normalized: [Lexeme] = []
        var storage = 0
        for (bytes, positions) in byText.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var merged: [Position] = []
            for position in positions.sorted(by: { $0.index < $1.index }) {
                if let last = merged.last, last.index == position.index {
                    if position.weight > last.weight { merged[merged.count - 1] = position }
                } else {
                    merged.append(position)
                }
            }
            guard merged.count <= 256 else {
                throw PGError(.invalidParameter, "tsvector lexeme has \(merged.count) positions; the server keeps at most 256")
            }
            storage += bytes.count
            if !merged.isEmpty { storage = (storage + 1) / 2 * 2 + merged.count * 2 + 2 }
            normalized.append(Lexeme(String(decoding: bytes, as: UTF8.self), positions: merged))
        }
        guard storage <= 1_048_575 else {
            throw PGError(.invalidParameter, "tsvector of \(storage) bytes is larger than the server's 1 MB limit")
        }
        self.lexemes = normalized
    }

    private init(decoded lexemes: [Lexeme]) { self.lexemes = lexemes }

    /// PostgreSQL's output form: `'cat':3 'fat':2,4 'rat':5A`, quotes and backslashes doubled.
    public var description: String {
        var text = ""
        for (offset, lexeme) in lexemes.enumerated() {
            if offset > 0 { text += " " }
            text += TextSearchText.quoted(lexeme.text)
            if !lexeme.positions.isEmpty {
                text += ":" + lexeme.positions.map { position in
                    String(position.index) + ["", "C", "B", "A"][Int(position.weight.rawValue)]
                }.joined(separator: ",")
            }
        }
        return text
    }
}

extension PGTSVector: PGCodable {
    public static var pgDataType: PGDataType { .tsvector }

    /// `tsvectorsend`'s format: the number of lexemes, then each lexeme NUL-terminated with
    /// its number of positions and each position as weight (2 bits) and index (14 bits).
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(Int32(lexemes.count))
        for lexeme in lexemes {
            buffer.writeBytes(lexeme.text.utf8)
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt16(lexeme.positions.count))
            for position in lexeme.positions {
                buffer.writeInteger(UInt16(position.weight.rawValue) << 14 | UInt16(position.index))
            }
        }
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .tsvector, for: PGTSVector.self)
        let count = Int(try buffer.readInteger(as: Int32.self))
        guard count >= 0, count <= buffer.readableBytes / 3 else {
            throw PGError(.decodingFailed, "malformed tsvector: \(count) lexemes in \(buffer.readableBytes) bytes")
        }
        var lexemes: [Lexeme] = []
        lexemes.reserveCapacity(count)
        for _ in 0..<count {
            let text = try TextSearchText.readCString(&buffer, typeName: "tsvector")
            let positionCount = Int(try buffer.readInteger(as: UInt16.self))
            var positions: [Position] = []
            positions.reserveCapacity(positionCount)
            for _ in 0..<positionCount {
                let raw = try buffer.readInteger(as: UInt16.self)
                positions.append(Position(unchecked: Int(raw & 0x3FFF), weight: Weight(rawValue: UInt8(raw >> 14))!))
            }
            lexemes.append(Lexeme(text, positions: positions))
        }
        try buffer.expectEnd("tsvector")
        self.init(decoded: lexemes)
    }
}

/// Quoting and binary strings shared by `PGTSVector` and `PGTSQuery`.
enum TextSearchText {
    /// `'text'` with `'` and `\` doubled, as `tsvectorout` and `tsqueryout` write lexemes.
    static func quoted(_ text: String) -> String {
        var quoted = "'"
        for scalar in text.unicodeScalars {
            if scalar == "'" || scalar == "\\" { quoted.unicodeScalars.append(scalar) }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "'"
    }

    /// A NUL-terminated UTF-8 string.
    static func readCString(_ buffer: inout PGReadBuffer, typeName: String) throws(PGError) -> String {
        let rest = buffer.bytes[buffer.readerIndex...]
        guard let end = rest.firstIndex(of: 0) else { throw PGError(.decodingFailed, "malformed \(typeName): unterminated lexeme") }
        let bytes = try buffer.readSlice(end - buffer.readerIndex)
        _ = try buffer.readInteger(as: UInt8.self)
        guard let text = UTF8Validation.string(bytes) else { throw PGError(.decodingFailed, "\(typeName) lexeme is not valid UTF-8") }
        return text
    }
}
