/// Whether a statement may change data, as far as its first keyword shows: what decides
/// whether a connection lost while it ran outside a transaction leaves its outcome unknown.
///
/// `SELECT`, `VALUES`, `TABLE` and `SHOW` read; anything else (`INSERT`, `UPDATE`, `WITH`, `CALL`,
/// DDL...) may write. A `SELECT` of a function that writes counts as a read here.
/// ```swift
/// StatementOutcome.mayWrite("SELECT * FROM users")          // false
/// StatementOutcome.mayWrite("INSERT INTO users ...")        // true
/// ```
public enum StatementOutcome {
    private static let readingKeywords: Set<String> = ["select", "values", "table", "show"]

    /// Whether `sql` may write (its first word, past opening parentheses, is not a reading one).
    public static func mayWrite(_ sql: String) -> Bool {
        for token in SQLTokenizer(sql) {
            switch token {
            case .symbol(0x28): continue  // (SELECT ...) UNION ...
            case .word(let word): return !readingKeywords.contains(word)
            default: return true
            }
        }
        return false
    }
}
