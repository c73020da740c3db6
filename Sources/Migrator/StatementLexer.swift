/// Finds where the next statement of a SQL script begins and ends, over its UTF-8 bytes.
///
/// Every byte that can hide a `;` is ASCII (quotes, `-`, `/`, `*`, `$`, `\`), so the lexer
/// never decodes characters; bytes of multi-byte characters count as identifier bytes, as in
/// PostgreSQL's own scanner.
struct StatementLexer {
    /// Where a statement is: its bytes (comments before it included, white space around it
    /// not), the line of its first token, the line its text begins on and the one it ends on.
    struct Range: Equatable {
        var bytes: Swift.Range<Int>
        var tokenLine: Int
        var textLine: Int
        var endLine: Int
    }

    private enum State: Equatable {
        case normal, singleQuote(escapes: Bool), doubleQuote, lineComment, blockComment(depth: Int)
        /// Inside `$tag$ ... $tag$`; the tag's bytes are `tag` in the text.
        case dollar(tag: Swift.Range<Int>)
    }

    /// Where scanning continues, and the line there.
    private(set) var offset: Int
    private(set) var line: Int

    init(offset: Int, line: Int) {
        self.offset = offset
        self.line = line
    }

    /// The next statement that holds anything besides comments and white space, or nil at the
    /// end; advances past its terminating `;`.
    mutating func nextStatement(in bytes: UnsafeBufferPointer<UInt8>) -> Range? {
        while offset < bytes.count {
            if let range = scanStatement(bytes) { return range }
        }
        return nil
    }

    /// Scans up to and including one `;` (or the end); returns the range if it held code.
    private mutating func scanStatement(_ bytes: UnsafeBufferPointer<UInt8>) -> Range? {
        let count = bytes.count
        var state = State.normal
        var textStart: Int?, textLine = line, textEnd = offset, endLine = line
        var tokenLine: Int?
        var wordStart: Int?
        var previousWord: Keyword?
        var atomicDepth = 0
        var index = offset

        func finishWord(at end: Int) {
            guard let start = wordStart else { return }
            wordStart = nil
            let word = Keyword(bytes, start..<end)
            if word == .atomic && previousWord == .begin { atomicDepth += 1 }
            else if atomicDepth > 0 && word == .case { atomicDepth += 1 }
            else if atomicDepth > 0 && word == .end { atomicDepth -= 1 }
            previousWord = word
        }

        while index < count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < count ? bytes[index + 1] : nil
            if textStart == nil, !Self.isSpace(byte) {
                textStart = index
                textLine = line
            }
            var length = 1
            switch state {
            case .normal:
                var startsComment = false
                if Self.isIdentifierByte(byte) || (wordStart != nil && (Self.isDigit(byte) || byte == .dollar)) {
                    if wordStart == nil { wordStart = index }
                } else {
                    let escapes = byte == .quote && wordStart == index - 1 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e")
                    finishWord(at: index)
                    if byte == .minus && next == .minus {
                        state = .lineComment
                        length = 2
                        startsComment = true
                    } else if byte == .slash && next == .star {
                        state = .blockComment(depth: 1)
                        length = 2
                        startsComment = true
                    } else if byte == .quote {
                        state = .singleQuote(escapes: escapes)
                    } else if byte == .doubleQuote {
                        state = .doubleQuote
                    } else if byte == .dollar, let tag = Self.dollarTag(bytes, at: index) {
                        state = .dollar(tag: tag)
                        length = tag.count
                    } else if byte == .semicolon && atomicDepth == 0 {
                        offset = index + 1
                        guard let textStart, let tokenLine else { return nil }
                        return Range(bytes: textStart..<textEnd, tokenLine: tokenLine, textLine: textLine, endLine: endLine)
                    }
                }
                if !startsComment, !Self.isSpace(byte), tokenLine == nil { tokenLine = line }
            case .singleQuote(let escapes):
                if escapes && byte == .backslash && next != nil {
                    length = 2
                } else if byte == .quote {
                    if next == .quote { length = 2 } else { state = .normal }
                }
            case .doubleQuote:
                if byte == .doubleQuote {
                    if next == .doubleQuote { length = 2 } else { state = .normal }
                }
            case .lineComment:
                if byte == .newline { state = .normal }
            case .blockComment(let depth):
                if byte == .star && next == .slash {
                    state = depth == 1 ? .normal : .blockComment(depth: depth - 1)
                    length = 2
                } else if byte == .slash && next == .star {
                    state = .blockComment(depth: depth + 1)
                    length = 2
                }
            case .dollar(let tag):
                if byte == .dollar, index + tag.count <= count,
                   (0..<tag.count).allSatisfy({ bytes[index + $0] == bytes[tag.lowerBound + $0] }) {
                    state = .normal
                    length = tag.count
                }
            }
            if length == 1 {
                if byte == .newline { line += 1 } else if !Self.isSpace(byte) { textEnd = index + 1; endLine = line }
            } else {
                for consumed in index..<min(index + length, count) {
                    if bytes[consumed] == .newline { line += 1 } else if !Self.isSpace(bytes[consumed]) { textEnd = consumed + 1; endLine = line }
                }
            }
            index += length
        }
        offset = count
        guard let textStart, let tokenLine else { return nil }
        return Range(bytes: textStart..<textEnd, tokenLine: tokenLine, textLine: textLine, endLine: endLine)
    }

    /// `$tag$` starting at `index`, if there is one (a tag is letters, digits, underscores and
    /// non-ASCII bytes, not starting with a digit; `$1` is a parameter, not a tag).
    private static func dollarTag(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Swift.Range<Int>? {
        var end = index + 1
        while end < bytes.count, isIdentifierByte(bytes[end]) || (isDigit(bytes[end]) && end > index + 1) { end += 1 }
        guard end < bytes.count, bytes[end] == .dollar else { return nil }
        return index..<end + 1
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// A byte that may start an identifier: ASCII letters, `_`, and any byte of a multi-byte
    /// character.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The words that open and close `BEGIN ATOMIC` bodies; any other word is `.other`.
    private enum Keyword: Equatable {
        case begin, atomic, `case`, end, other

        init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Swift.Range<Int>) {
            func matches(_ keyword: StaticString) -> Bool {
                guard range.count == keyword.utf8CodeUnitCount else { return false }
                return (0..<range.count).allSatisfy { bytes[range.lowerBound + $0] | 0x20 == keyword.utf8Start[$0] }
            }
            if matches("begin") { self = .begin }
            else if matches("atomic") { self = .atomic }
            else if matches("case") { self = .case }
            else if matches("end") { self = .end }
            else { self = .other }
        }
    }
}

private extension UInt8 {
    static let quote = UInt8(ascii: "'"), doubleQuote = UInt8(ascii: "\""), dollar = UInt8(ascii: "$")
    static let minus = UInt8(ascii: "-"), slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
    static let semicolon = UInt8(ascii: ";"), backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")
}
