/// Which tables a query may read as all-NULL rows, from its text: the table after a
/// `LEFT JOIN` (by name, so every use of that table counts); every table when the query has a
/// `RIGHT` or `FULL` join, a `LEFT JOIN` of a subquery, `LATERAL` or common table expression,
/// or `GROUPING SETS`/`ROLLUP`/`CUBE` (which null out grouped columns). Deliberately
/// conservative: a column it cannot clear stays Optional, and `AS "name!"` says otherwise.
struct NullableSources: Equatable {
    /// Every column may be NULL whatever its table says.
    var everything = false
    /// Lowercased names (unqualified) of tables on the nullable side of a LEFT JOIN.
    var tables: Set<String> = []

    init(sql: String) {
        let tokens = SQLLexer.tokens(sql)
        var commonTableExpressions: Set<String> = []
        for (index, token) in tokens.enumerated() where index + 2 < tokens.count {
            if (token.kind == .word || token.kind == .quotedIdentifier), tokens[index + 1].kind == .word, tokens[index + 1].text == "as",
               tokens[index + 2].text == "(" || tokens[index + 2].text == "materialized" || tokens[index + 2].text == "not" {
                commonTableExpressions.insert(token.text.lowercased())
            }
        }
        for (index, token) in tokens.enumerated() where token.kind == .word {
            switch token.text {
            case "rollup", "cube":
                everything = true
            case "grouping" where index + 1 < tokens.count && tokens[index + 1].text == "sets":
                everything = true
            case "join":
                var type = index - 1
                if type >= 0, tokens[type].kind == .word, tokens[type].text == "outer" { type -= 1 }
                guard type >= 0, tokens[type].kind == .word else { continue }
                switch tokens[type].text {
                case "right", "full":
                    everything = true
                case "left":
                    var target = index + 1
                    if target < tokens.count, tokens[target].kind == .word, tokens[target].text == "only" { target += 1 }
                    guard target < tokens.count, tokens[target].kind == .word || tokens[target].kind == .quotedIdentifier,
                          tokens[target].text != "lateral" || tokens[target].kind == .quotedIdentifier else {
                        everything = true
                        continue
                    }
                    var name = tokens[target].text
                    if target + 2 < tokens.count, tokens[target + 1].text == ".",
                       tokens[target + 2].kind == .word || tokens[target + 2].kind == .quotedIdentifier {
                        name = tokens[target + 2].text
                    }
                    if commonTableExpressions.contains(name.lowercased()) { everything = true }
                    tables.insert(name.lowercased())
                default:
                    continue
                }
            default:
                continue
            }
        }
    }

    /// Whether a column of `table` may be NULL-extended.
    func mayNullOut(_ table: String) -> Bool { everything || tables.contains(table.lowercased()) }
}
