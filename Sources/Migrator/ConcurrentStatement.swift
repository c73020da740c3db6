import PGKit

/// Recognises the statements that run `CONCURRENTLY` (and so cannot run in a transaction):
/// `CREATE [UNIQUE] INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`
/// and `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`.
enum ConcurrentStatement {
    static func runsConcurrently(_ sql: String) -> Bool {
        var tokenizer = SQLTokenizer(sql)
        guard case .word(let first)? = tokenizer.next(), ["create", "drop", "reindex", "alter"].contains(first) else { return false }
        var words = [first]
        while let token = tokenizer.next() {
            if case .word(let word) = token { words.append(word) }
        }
        return runsConcurrently(words: words)
    }

    /// The same over a statement's words (keywords and unquoted names, lowercased, in order).
    static func runsConcurrently(words: [String]) -> Bool {
        switch words.first {
        case "create":
            let rest = words.dropFirst().drop { $0 == "unique" }
            return rest.prefix(2).elementsEqual(["index", "concurrently"])
        case "drop":
            return words.dropFirst().prefix(2).elementsEqual(["index", "concurrently"])
        case "reindex":
            return words.prefix(5).contains("concurrently")
        case "alter":
            return words.contains("detach") && words.last == "concurrently"
        default:
            return false
        }
    }
}
