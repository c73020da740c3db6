/// Splits SQL text into tokens, the way PostgreSQL's lexer sees them where it matters for
/// recognising statements: words (keywords and identifiers), quoted identifiers, string
/// constants (`'...'`, `E'...'`, `$tag$...$tag$`), numbers, parameters (`$1`) and punctuation,
/// with comments (`--`, nested `/* */`) and white space skipped. Works on UTF-8 bytes and
/// allocates only for the words it returns.
///
/// ```swift
/// for token in SQLTokenizer("SELECT set_config('a', 'b', false)") { print(token) }
/// ```
public struct SQLTokenizer: Sequence, IteratorProtocol {
    /// One token.
    public enum Token: Equatable, Sendable {
        /// A keyword or unquoted identifier, lowercased (ASCII letters only, as PostgreSQL does).
        case word(String)
        /// A double-quoted identifier, unescaped, case kept.
        case quotedIdentifier(String)
        /// A string constant (its contents are not kept).
        case string
        case number
        /// `$1`, `$2`...
        case parameter
        /// Any other character: `(`, `)`, `,`, `;`, `.`, operators one character at a time.
        case symbol(UInt8)
    }

    private let bytes: [UInt8]
    private var index = 0
    /// Where the token `next()` returned last is: byte offsets into the text's UTF-8.
    public private(set) var tokenRange: Range<Int> = 0..<0
    /// The byte ranges of the `--` comments skipped so far (`--` to the end of the line,
    /// without the line feed), kept only when the tokenizer was made with `keepingLineComments`.
    public private(set) var lineComments: [Range<Int>] = []
    private let keepsLineComments: Bool

    /// A tokenizer over `sql`; with `keepingLineComments`, it also records where the `--`
    /// comments are (for tools that read directives written in comments).
    public init(_ sql: String, keepingLineComments: Bool = false) {
        bytes = Array(sql.utf8)
        keepsLineComments = keepingLineComments
    }

    /// The text of `range` (a `tokenRange` or a comment's range).
    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    public mutating func next() -> Token? {
        skipSpaceAndComments()
        guard index < bytes.count else { return nil }
        let start = index
        defer { tokenRange = start..<index }
        let byte = bytes[index]
        if Self.isWordStart(byte) {
            // E'...' and e'...' are strings with escapes; U&'...' and B'...'/X'...' plain strings.
            if index + 1 < bytes.count, bytes[index + 1] == 0x27, [0x45, 0x65, 0x42, 0x62, 0x58, 0x78, 0x4E, 0x6E].contains(byte) {
                index += 1
                skipString(escapes: byte == 0x45 || byte == 0x65)
                return .string
            }
            let start = index
            while index < bytes.count, Self.isWordPart(bytes[index]) { index += 1 }
            return .word(Self.lowercased(bytes[start..<index]))
        }
        switch byte {
        case 0x27:  // '
            skipString(escapes: false)
            return .string
        case 0x22:  // "
            index += 1
            var name: [UInt8] = []
            while index < bytes.count {
                if bytes[index] == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 { name.append(0x22); index += 2; continue }
                    index += 1
                    break
                }
                name.append(bytes[index])
                index += 1
            }
            return .quotedIdentifier(String(decoding: name, as: UTF8.self))
        case 0x24:  // $
            if index + 1 < bytes.count, Self.isDigit(bytes[index + 1]) {
                index += 1
                while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
                return .parameter
            }
            if let tagEnd = dollarTagEnd(from: index) {
                let tag = Array(bytes[index...tagEnd])
                index = tagEnd + 1
                while index < bytes.count {
                    if bytes[index] == 0x24, index + tag.count <= bytes.count, bytes[index..<index + tag.count].elementsEqual(tag) {
                        index += tag.count
                        return .string
                    }
                    index += 1
                }
                return .string
            }
            index += 1
            return .symbol(byte)
        default:
            if Self.isDigit(byte) || (byte == 0x2E && index + 1 < bytes.count && Self.isDigit(bytes[index + 1])) {
                while index < bytes.count, Self.isDigit(bytes[index]) || bytes[index] == 0x2E || bytes[index] == 0x5F
                        || Self.isWordPart(bytes[index]) {
                    index += 1
                }
                return .number
            }
            index += 1
            return .symbol(byte)
        }
    }

    private mutating func skipSpaceAndComments() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                index += 1
            } else if byte == 0x2D, index + 1 < bytes.count, bytes[index + 1] == 0x2D {
                let start = index
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                if keepsLineComments { lineComments.append(start..<index) }
            } else if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2A {
                var depth = 0
                while index < bytes.count {
                    if bytes[index] == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x2A { depth += 1; index += 2; continue }
                    if bytes[index] == 0x2A, index + 1 < bytes.count, bytes[index + 1] == 0x2F {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                        continue
                    }
                    index += 1
                }
            } else {
                return
            }
        }
    }

    /// Skips a single-quoted string starting at `index` (the opening quote).
    private mutating func skipString(escapes: Bool) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if escapes, byte == 0x5C { index += 2; continue }
            if byte == 0x27 {
                if index + 1 < bytes.count, bytes[index + 1] == 0x27 { index += 2; continue }
                index += 1
                return
            }
            index += 1
        }
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `start`, if it is one.
    private func dollarTagEnd(from start: Int) -> Int? {
        var end = start + 1
        while end < bytes.count, Self.isWordStart(bytes[end]) || (Self.isDigit(bytes[end]) && end > start + 1) { end += 1 }
        guard end < bytes.count, bytes[end] == 0x24 else { return nil }
        return end
    }

    /// Whether `sql` is one statement (a `;` only at its end, outside strings and comments).
    static func isSingleStatement(_ sql: String) -> Bool {
        var tokens = SQLTokenizer(sql)
        var sawEnd = false
        while let token = tokens.next() {
            if sawEnd { return false }
            if token == .symbol(0x3B) { sawEnd = true }
        }
        return true
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte >= 0x80
    }

    static func isWordPart(_ byte: UInt8) -> Bool { isWordStart(byte) || isDigit(byte) || byte == 0x24 }

    static func lowercased(_ slice: ArraySlice<UInt8>) -> String {
        String(decoding: slice.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
