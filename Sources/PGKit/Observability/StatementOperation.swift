/// The operation a statement performs, as spans and metrics name it: its first keyword in
/// upper case (`SELECT`, `INSERT`, `WITH`...), read past whitespace and comments. A value
/// computed from the SQL text alone, so metrics keep one series per keyword, not per statement.
struct StatementOperation: Sendable, Hashable {
    let name: String

    /// The operation of `sql`; `"UNKNOWN"` when it does not start with a keyword.
    init(sql: String) {
        var utf8 = Substring(sql).utf8[...]
        while true {
            while let first = utf8.first, first == 0x20 || (0x09...0x0D).contains(first) { utf8 = utf8.dropFirst() }
            if utf8.starts(with: "--".utf8) {
                utf8 = utf8.drop { $0 != 0x0A }
            } else if utf8.starts(with: "/*".utf8) {
                // Block comments nest in PostgreSQL.
                var depth = 0
                var rest = utf8
                while !rest.isEmpty {
                    if rest.starts(with: "/*".utf8) { depth += 1; rest = rest.dropFirst(2) }
                    else if rest.starts(with: "*/".utf8) { depth -= 1; rest = rest.dropFirst(2); if depth == 0 { break } }
                    else { rest = rest.dropFirst() }
                }
                utf8 = rest
            } else {
                break
            }
        }
        let word = utf8.prefix { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }.prefix(32)
        name = word.isEmpty ? "UNKNOWN" : String(decoding: word, as: UTF8.self).uppercased()
    }

    init(name: String) { self.name = name }

    static let transaction = StatementOperation(name: "TRANSACTION")
    static let savepoint = StatementOperation(name: "SAVEPOINT")
    static let pipeline = StatementOperation(name: "PIPELINE")
    static let copy = StatementOperation(name: "COPY")
}
