import Foundation

/// Reads a query file: statements each under a `-- name: NAME :KIND` line (`:one`, `:many`,
/// `:exec`, `:stream`), the SQL running to the next such line or the end of the file, a final `;` dropped.
/// Other comments and blank lines are kept as part of the SQL; anything else before the first
/// annotation is an error, as is a malformed annotation.
public enum QueryFileParser {
    /// The queries in `contents`; `file` names the file in queries and errors.
    public static func parse(_ contents: String, file: String) throws(QueryGenerationError) -> [CheckedQuery] {
        var queries: [CheckedQuery] = []
        var current: (name: String, kind: CheckedQuery.Kind, line: Int, lines: [(Int, Substring)])?
        func finish() throws(QueryGenerationError) {
            guard let open = current else { return }
            current = nil
            var lines = open.lines
            while let first = lines.first, first.1.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
            while let last = lines.last, last.1.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
            guard let first = lines.first else {
                throw QueryGenerationError(file: file, line: open.line, query: open.name, message: "the query has no SQL")
            }
            var text = lines.map { String($0.1) }.joined(separator: "\n")
            while text.last?.isWhitespace == true { text.removeLast() }
            if text.hasSuffix(";") { text.removeLast() }
            while text.last?.isWhitespace == true { text.removeLast() }
            let (sql, parameters) = try NamedParameters.rewrite(text, file: file, line: first.0, query: open.name)
            queries.append(CheckedQuery(name: open.name, kind: open.kind, file: file, line: open.line, sqlLine: first.0,
                                        text: text, sql: sql, namedParameters: parameters))
        }
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if let annotation = try annotation(in: line, file: file, line: number) {
                try finish()
                if queries.contains(where: { $0.name == annotation.name }) {
                    throw QueryGenerationError(file: file, line: number, query: annotation.name, message: "a query of this name comes earlier in the file")
                }
                current = (annotation.name, annotation.kind, number, [])
            } else if current != nil {
                current!.lines.append((number, line))
            } else {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && !trimmed.hasPrefix("--") {
                    throw QueryGenerationError(file: file, line: number, query: nil,
                                               message: "SQL before any `-- name: NAME :one|:many|:exec|:stream` line")
                }
            }
        }
        try finish()
        return queries
    }

    /// The annotation on `line`, nil when it is not one; throws for a `-- name:` line that is malformed.
    static func annotation(in line: Substring, file: String, line number: Int) throws(QueryGenerationError) -> (name: String, kind: CheckedQuery.Kind)? {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("--") else { return nil }
        rest = rest.dropFirst(2).drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("name:") else { return nil }
        let parts = rest.dropFirst(5).split(whereSeparator: { $0 == " " || $0 == "\t" })
        let usage = "write `-- name: NAME :one`, `:many`, `:exec` or `:stream` (NAME a Swift identifier, such as messagesInSession)"
        guard parts.count == 2, parts[1].hasPrefix(":"), let kind = CheckedQuery.Kind(rawValue: String(parts[1].dropFirst())) else {
            throw QueryGenerationError(file: file, line: number, query: nil, message: "malformed query annotation: \(usage)")
        }
        let name = String(parts[0])
        guard let first = name.first, first.isASCII, first.isLetter || first == "_",
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw QueryGenerationError(file: file, line: number, query: nil, message: "the query name \"\(name)\" is not a Swift identifier: \(usage)")
        }
        guard !reservedNames.contains(name) else {
            throw QueryGenerationError(file: file, line: number, query: nil,
                                       message: "the query name \"\(name)\" is a method of PGConnection or PGPool already; choose another")
        }
        return (name, kind)
    }

    /// Methods of the types the generated functions extend, which a query must not shadow.
    static let reservedNames: Set<String> = [
        "query", "execute", "transaction", "copyIn", "copyOut", "executeMany", "executeScript", "simpleQuery", "stream",
        "describe", "ping", "reset", "resetSession", "close", "shutdown", "parameterStatus", "encryptPassword",
        "reloadTypes", "withConnection", "withConnectionThread",
    ]
}
