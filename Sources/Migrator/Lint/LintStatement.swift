import PGKit

/// One statement of a migration as the lint sees it: its tokens (``SQLTokenizer``'s, each
/// with its file line and text), and ways to walk them that the recognizer shares.
struct LintStatement {
    struct Token: Equatable {
        let kind: SQLTokenizer.Token
        let line: Int
        /// The token as written (a number's digits; a word as written, not lowercased).
        let text: String
    }

    let tokens: [Token]
    /// The line of the first token, and of the last.
    let line: Int
    let endLine: Int

    init(tokens: [Token], line: Int, endLine: Int) {
        self.tokens = tokens
        self.line = line
        self.endLine = endLine
    }

    /// Tokenizes `sql` whose first byte is on `firstLine` (for tests and single statements).
    init(_ sql: String, firstLine: Int = 1) {
        var lines = LineCounter(sql, firstLine: firstLine)
        var tokenizer = SQLTokenizer(sql)
        var tokens: [Token] = []
        while let kind = tokenizer.next() {
            tokens.append(Token(kind: kind, line: lines.line(at: tokenizer.tokenRange.lowerBound), text: tokenizer.text(tokenizer.tokenRange)))
        }
        self.init(tokens: tokens, line: tokens.first?.line ?? firstLine, endLine: tokens.last?.line ?? firstLine)
    }

    var count: Int { tokens.count }

    /// The lowercased word at `index`, if that token is a word.
    func word(_ index: Int) -> String? {
        guard index >= 0, index < tokens.count, case .word(let word) = tokens[index].kind else { return nil }
        return word
    }

    func isWord(_ index: Int, _ word: String) -> Bool { self.word(index) == word }

    /// Whether the words from `index` are `words`, in order.
    func hasWords(_ words: [String], at index: Int) -> Bool {
        words.enumerated().allSatisfy { isWord(index + $0.offset, $0.element) }
    }

    /// The index after `words` when they are at `index`, else `index` (for optional phrases).
    func skipping(_ words: [String], at index: Int) -> Int {
        hasWords(words, at: index) ? index + words.count : index
    }

    func isSymbol(_ index: Int, _ symbol: Character) -> Bool {
        guard index >= 0, index < tokens.count, case .symbol(let byte) = tokens[index].kind else { return false }
        return byte == symbol.asciiValue
    }

    /// A name at `index`: a word (lowercased) or a quoted identifier (as written).
    func identifier(_ index: Int) -> String? {
        guard index >= 0, index < tokens.count else { return nil }
        switch tokens[index].kind {
        case .word(let word): return word
        case .quotedIdentifier(let name): return name
        default: return nil
        }
    }

    /// A possibly schema-qualified name at `index` (`public.messages`): its last part, and the
    /// index after it.
    func qualifiedName(at index: Int) -> (name: String, end: Int)? {
        guard var name = identifier(index) else { return nil }
        var end = index + 1
        while isSymbol(end, "."), let part = identifier(end + 1) {
            name = part
            end += 2
        }
        return (name, end)
    }

    /// The index of the `)` closing the `(` at `open`, or the end.
    func closingParenthesis(from open: Int) -> Int {
        var depth = 0
        for index in open..<tokens.count {
            if isSymbol(index, "(") || isSymbol(index, "[") { depth += 1 }
            if isSymbol(index, ")") || isSymbol(index, "]") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return tokens.count
    }

    /// `range` cut at the commas outside parentheses and brackets.
    func splitAtTopLevelCommas(_ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        var depth = 0
        for index in range {
            if isSymbol(index, "(") || isSymbol(index, "[") { depth += 1 }
            if isSymbol(index, ")") || isSymbol(index, "]") { depth -= 1 }
            if depth == 0, isSymbol(index, ",") {
                parts.append(start..<index)
                start = index + 1
            }
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }

    /// The indices in `range` that are outside any parentheses.
    func topLevelIndices(_ range: Range<Int>) -> [Int] {
        var indices: [Int] = []
        var depth = 0
        for index in range {
            if isSymbol(index, "(") || isSymbol(index, "[") { depth += 1 }
            if depth == 0 { indices.append(index) }
            if isSymbol(index, ")") || isSymbol(index, "]") { depth -= 1 }
        }
        return indices
    }

    /// The tokens of `range` as written, joined with single spaces (`varchar ( 20 )` becomes
    /// `varchar(20)`: no space around parentheses and before commas).
    func text(_ range: Range<Int>) -> String {
        var text = ""
        for index in range.clamped(to: 0..<tokens.count) {
            let piece = tokens[index].kind == .string ? "'…'" : tokens[index].text
            if !text.isEmpty, !(isSymbol(index, "(") || isSymbol(index, ")") || isSymbol(index, ",") || isSymbol(index, ".")
                                || isSymbol(index, "[") || isSymbol(index, "]") || isSymbol(index - 1, "(") || isSymbol(index - 1, ".")
                                || isSymbol(index - 1, "[")) {
                text += " "
            }
            text += piece
        }
        return text
    }

    func line(at index: Int) -> Int { index < tokens.count ? tokens[index].line : endLine }
}

/// The line of a byte offset in a text, for offsets that only grow.
struct LineCounter {
    private let bytes: String.UTF8View
    private var offset = 0
    private var index: String.UTF8View.Index
    private var current: Int

    init(_ text: String, firstLine: Int) {
        bytes = text.utf8
        index = bytes.startIndex
        current = firstLine
    }

    /// The line at `target` (not before the last offset asked about).
    mutating func line(at target: Int) -> Int {
        while offset < target, index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\n") { current += 1 }
            bytes.formIndex(after: &index)
            offset += 1
        }
        return current
    }
}
