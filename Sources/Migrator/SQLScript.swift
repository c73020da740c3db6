/// A SQL file split into statements, each with the line it starts on.
///
/// The splitter understands what may hide a `;`: single-quoted strings (with `''` and
/// `E'\''` escapes), double-quoted identifiers, `--` and nested `/* */` comments, dollar-quoted
/// bodies (`$$...$$`, `$fn$...$fn$`) and SQL-standard `BEGIN ATOMIC ... END` function bodies.
public struct SQLScript: Sendable, Equatable {
    public struct Statement: Sendable, Equatable {
        /// The statement's text, without the terminating `;`.
        public var sql: String
        /// 1-based line in the file where the statement's first token is.
        public var line: Int
    }

    public let statements: [Statement]

    public init(_ text: String) {
        statements = Self.split(text)
    }

    private enum State { case normal, singleQuote(escapes: Bool), doubleQuote, lineComment, blockComment(depth: Int), dollar(tag: [Character]) }

    private static func split(_ text: String) -> [Statement] {
        let characters = Array(text)
        var statements: [Statement] = []
        var current: [Character] = []
        var startLine: Int?
        var line = 1
        var state = State.normal
        var word: [Character] = []
        var previousWord = ""
        var atomicDepth = 0
        var index = 0

        func finishWord() {
            guard !word.isEmpty else { return }
            let upper = String(word).uppercased()
            if upper == "ATOMIC" && previousWord == "BEGIN" { atomicDepth += 1 }
            else if atomicDepth > 0 && upper == "CASE" { atomicDepth += 1 }
            else if atomicDepth > 0 && upper == "END" { atomicDepth -= 1 }
            previousWord = upper
            word = []
        }

        func finishStatement() {
            finishWord()
            let sql = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if let startLine, containsCode(sql) { statements.append(Statement(sql: sql, line: startLine)) }
            current = []
            startLine = nil
            previousWord = ""
        }

        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch state {
            case .normal:
                let isWordCharacter = character.isLetter || character == "_" || (character.isNumber && !word.isEmpty)
                if !isWordCharacter && character != "$" && character != "'" { finishWord() }
                if character == "-" && next == "-" {
                    finishWord(); state = .lineComment
                } else if character == "/" && next == "*" {
                    finishWord(); state = .blockComment(depth: 1); current.append(character); index += 1; current.append("*"); index += 1; continue
                } else if character == "'" {
                    let escapes = word.count == 1 && (word[0] == "E" || word[0] == "e")
                    finishWord(); state = .singleQuote(escapes: escapes)
                } else if character == "\"" {
                    finishWord(); state = .doubleQuote
                } else if character == "$", let tag = dollarTag(characters, at: index), word.isEmpty {
                    state = .dollar(tag: tag)
                    if startLine == nil { startLine = line }
                    current.append(contentsOf: tag)
                    index += tag.count
                    continue
                } else if character == ";" && atomicDepth == 0 {
                    finishStatement(); index += 1; continue
                } else if character.isLetter || character == "_" || (character.isNumber && !word.isEmpty) {
                    word.append(character)
                } else {
                    finishWord()
                }
                if case .lineComment = state {} else if startLine == nil && !character.isWhitespace { startLine = line }
            case .singleQuote(let escapes):
                if escapes && character == "\\" && next != nil {
                    current.append(character); index += 1
                    if characters[index] == "\n" { line += 1 }
                    current.append(characters[index]); index += 1; continue
                }
                if character == "'" {
                    if next == "'" { current.append(character); index += 1 } else { state = .normal }
                }
            case .doubleQuote:
                if character == "\"" {
                    if next == "\"" { current.append(character); index += 1 } else { state = .normal }
                }
            case .lineComment:
                if character == "\n" { state = .normal }
            case .blockComment(let depth):
                if character == "*" && next == "/" {
                    current.append(contentsOf: "*/"); index += 2
                    state = depth == 1 ? .normal : .blockComment(depth: depth - 1); continue
                }
                if character == "/" && next == "*" {
                    current.append(contentsOf: "/*"); index += 2
                    state = .blockComment(depth: depth + 1); continue
                }
            case .dollar(let tag):
                if character == "$", index + tag.count <= characters.count, Array(characters[index..<index + tag.count]) == tag {
                    current.append(contentsOf: tag)
                    index += tag.count
                    state = .normal
                    continue
                }
            }
            if character == "\n" { line += 1 }
            current.append(character)
            index += 1
        }
        finishStatement()
        return statements
    }

    /// `$tag$` starting at `index`, if there is one (a tag is letters, digits and underscores,
    /// not starting with a digit; `$1` is a parameter, not a tag).
    private static func dollarTag(_ characters: [Character], at index: Int) -> [Character]? {
        var end = index + 1
        while end < characters.count, characters[end].isLetter || characters[end] == "_" || (characters[end].isNumber && end > index + 1) {
            end += 1
        }
        guard end < characters.count, characters[end] == "$" else { return nil }
        return Array(characters[index...end])
    }

    /// Whether `sql` holds anything besides comments and white space.
    private static func containsCode(_ sql: String) -> Bool {
        !SQLScript.strippingComments(sql).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    static func strippingComments(_ sql: String) -> String {
        var result = ""
        var lines = sql.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            if let range = line.range(of: "--") { return line[..<range.lowerBound] }
            return line
        }.joined(separator: "\n")
        while let open = lines.range(of: "/*"), let close = lines.range(of: "*/", range: open.upperBound..<lines.endIndex) {
            lines.removeSubrange(open.lowerBound..<close.upperBound)
        }
        result = lines
        return result
    }
}

import Foundation
