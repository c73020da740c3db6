/// Splits SQL into the tokens the query generator reasons about, skipping what can hide a
/// keyword or a parameter: comments (`--`, nested `/* */`), string literals (`'...'`, `E'...'`,
/// dollar-quoted), quoted identifiers. Not a parser: it knows only enough to find named
/// parameters and join types.
struct SQLLexer {
    struct Token: Equatable {
        enum Kind: Equatable {
            /// A keyword or unquoted identifier, lowercased.
            case word
            /// A `"quoted"` identifier, unquoted, case kept.
            case quotedIdentifier
            case string
            case number
            /// `$1`
            case positionalParameter
            /// `@name` (`text` is the name; `isOptional` for `@name?`).
            case namedParameter(isOptional: Bool)
            /// Any other character, or `::`.
            case symbol
        }
        let kind: Kind
        let text: String
        /// The token's scalars in the SQL.
        let range: Range<Int>
    }

    static func tokens(_ sql: String) -> [Token] {
        let s = Array(sql.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || ("0"..."9").contains(c) || c == "$" }
        func at(_ index: Int) -> Unicode.Scalar? { index < s.count ? s[index] : nil }
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(s[range])) }
        while i < s.count {
            let c = s[i]
            let start = i
            if c.properties.isWhitespace { i += 1; continue }
            if c == "-", at(i + 1) == "-" {
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", at(i + 1) == "*" {
                var depth = 0
                while i < s.count {
                    if s[i] == "/", at(i + 1) == "*" { depth += 1; i += 2 } else if s[i] == "*", at(i + 1) == "/" {
                        depth -= 1; i += 2
                        if depth == 0 { break }
                    } else { i += 1 }
                }
                continue
            }
            if c == "'" {
                let escapes = tokens.last.map { $0.kind == .word && $0.text == "e" && $0.range.upperBound == i } ?? false
                if escapes { tokens.removeLast() }
                i += 1
                while i < s.count {
                    if escapes, s[i] == "\\" { i += 2; continue }
                    if s[i] == "'" {
                        if at(i + 1) == "'" { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                tokens.append(Token(kind: .string, text: "", range: start..<min(i, s.count)))
                continue
            }
            if c == "\"" {
                var name = ""
                i += 1
                while i < s.count {
                    if s[i] == "\"" {
                        if at(i + 1) == "\"" { name.unicodeScalars.append("\""); i += 2; continue }
                        i += 1
                        break
                    }
                    name.unicodeScalars.append(s[i])
                    i += 1
                }
                tokens.append(Token(kind: .quotedIdentifier, text: name, range: start..<i))
                continue
            }
            if c == "$" {
                if let next = at(i + 1), ("0"..."9").contains(next) {
                    i += 1
                    while let d = at(i), ("0"..."9").contains(d) { i += 1 }
                    tokens.append(Token(kind: .positionalParameter, text: text(start + 1..<i), range: start..<i))
                    continue
                }
                // A dollar quote: $$ or $tag$.
                var end = i + 1
                if let first = at(end), isIdentifierStart(first) {
                    while let p = at(end), isIdentifierStart(p) || ("0"..."9").contains(p) { end += 1 }
                }
                if at(end) == "$" {
                    let tag = Array(s[i...end])
                    i = end + 1
                    while i < s.count {
                        if s[i] == "$", i + tag.count <= s.count, Array(s[i..<i + tag.count]) == tag { i += tag.count; break }
                        i += 1
                    }
                    tokens.append(Token(kind: .string, text: "", range: start..<min(i, s.count)))
                    continue
                }
            }
            if c == "@", let next = at(i + 1), isIdentifierStart(next) {
                i += 1
                while let p = at(i), isIdentifierStart(p) || ("0"..."9").contains(p) { i += 1 }
                let name = text(start + 1..<i)
                var optional = false
                if at(i) == "?", at(i + 1) != "|", at(i + 1) != "&", at(i + 1) != "?" { optional = true; i += 1 }
                tokens.append(Token(kind: .namedParameter(isOptional: optional), text: name, range: start..<i))
                continue
            }
            if isIdentifierStart(c) {
                while let p = at(i), isIdentifierPart(p) { i += 1 }
                tokens.append(Token(kind: .word, text: text(start..<i).lowercased(), range: start..<i))
                continue
            }
            if ("0"..."9").contains(c) {
                while let p = at(i), ("0"..."9").contains(p) || p == "." || p == "_" || isIdentifierStart(p) { i += 1 }
                tokens.append(Token(kind: .number, text: text(start..<i), range: start..<i))
                continue
            }
            if c == ":", at(i + 1) == ":" {
                i += 2
                tokens.append(Token(kind: .symbol, text: "::", range: start..<i))
                continue
            }
            i += 1
            tokens.append(Token(kind: .symbol, text: String(c), range: start..<i))
        }
        return tokens
    }
}
