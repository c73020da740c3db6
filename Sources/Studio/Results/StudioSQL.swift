/// How the SQL prompt runs what was typed: a single query (`SELECT`, `WITH`, `VALUES`,
/// `TABLE`) is read page by page through a cursor; anything else (writes, DDL, several
/// statements) runs once, keeping its first rows and counting the rest.
public enum StudioSQL: Sendable, Equatable {
    /// One query, without its trailing semicolons, comments or blank space.
    case query(String)
    /// Anything else, as typed.
    case script(String)

    /// Decides how to run `text`: quotes, dollar quotes and comments are skipped when looking
    /// for `;` between statements.
    public init(_ text: String) {
        let scan = Self.scan(text)
        guard scan.semicolons.allSatisfy({ $0 >= scan.lastCode }), scan.lastCode > 0 else {
            self = .script(text)
            return
        }
        let body = String(String.UnicodeScalarView(text.unicodeScalars.prefix(scan.lastCode)))
        let firstWord = Self.firstWord(of: body).lowercased()
        self = ["select", "with", "values", "table"].contains(firstWord) ? .query(body) : .script(text)
    }

    /// Positions (in unicode scalars) of top-level semicolons, and the end of the last
    /// character that is neither blank, a semicolon nor inside a comment.
    static func scan(_ text: String) -> (semicolons: [Int], lastCode: Int) {
        let scalars = Array(text.unicodeScalars)
        var semicolons: [Int] = []
        var lastCode = 0
        var index = 0
        func at(_ offset: Int) -> Unicode.Scalar? { scalars.indices.contains(index + offset) ? scalars[index + offset] : nil }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "-" where at(1) == "-":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            case "/" where at(1) == "*":
                var depth = 0
                while index < scalars.count {
                    if scalars[index] == "/", at(1) == "*" { depth += 1; index += 2; continue }
                    if scalars[index] == "*", at(1) == "/" { depth -= 1; index += 2; if depth == 0 { break }; continue }
                    index += 1
                }
                continue
            case "'", "\"":
                let escapes = scalar == "'" && index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e")
                index += 1
                while index < scalars.count {
                    if escapes, scalars[index] == "\\" { index += 2; continue }
                    if scalars[index] == scalar {
                        if at(1) == scalar { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
                lastCode = min(index, scalars.count)
                continue
            case "$":
                // A dollar quote: $tag$ ... $tag$ (a tag of letters, digits and underscores).
                var end = index + 1
                while end < scalars.count, scalars[end] == "_" || scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]) { end += 1 }
                if end < scalars.count, scalars[end] == "$", !(index + 1 < end && ("0"..."9").contains(scalars[index + 1])) {
                    let tag = Array(scalars[index...end])
                    var search = end + 1
                    while search + tag.count <= scalars.count, Array(scalars[search..<search + tag.count]) != tag { search += 1 }
                    index = min(search + tag.count, scalars.count)
                    lastCode = index
                    continue
                }
            case ";": semicolons.append(index)
            default: break
            }
            if scalar != ";" && !scalar.properties.isWhitespace { lastCode = index + 1 }
            index += 1
        }
        return (semicolons, lastCode)
    }

    /// The first word, past blank space, comments and opening parentheses.
    static func firstWord(of text: String) -> String {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "(" }
            if rest.hasPrefix("--") { rest = rest.drop { $0 != "\n" }; continue }
            if rest.hasPrefix("/*"), let end = rest.range(of: "*/") { rest = rest[end.upperBound...]; continue }
            break
        }
        return String(rest.prefix { $0.isLetter })
    }
}
