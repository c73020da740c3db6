/// A statement that destroys stored rows: `DROP TABLE`, `DROP SCHEMA` (its tables go with it)
/// or `TRUNCATE`. `dbctl down` asks before running a down file that holds one.
///
/// Found by the statement's first words (comments before it skipped), so a drop hidden in a
/// `DO` block or a function is not seen: the check is a safety net, not a proof.
public struct DestructiveStatement: Sendable, Equatable {
    /// The file it is in.
    public let file: String
    /// The line its first token is on.
    public let line: Int
    /// The statement's start on one line (at most 80 characters), for the question.
    public let summary: String

    /// The destructive statements of `sql`, in order.
    public static func find(in sql: String, file: String) -> [DestructiveStatement] {
        SQLScript(sql).compactMap { statement in
            let text = withoutLeadingComments(statement.sql)
            let words = text.prefix(64).split(whereSeparator: \.isWhitespace).prefix(2).map { $0.uppercased() }
            guard words.first == "TRUNCATE" || (words.first == "DROP" && ["TABLE", "SCHEMA"].contains(words.dropFirst().first)) else {
                return nil
            }
            let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            let summary = oneLine.count > 80 ? String(oneLine.prefix(79)) + "…" : oneLine
            return DestructiveStatement(file: file, line: statement.line, summary: summary)
        }
    }

    /// `sql` from its first token: `--` and (nested) `/* */` comments before it removed.
    static func withoutLeadingComments(_ sql: String) -> Substring {
        var rest = sql[...]
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { !$0.isNewline }
            } else if rest.hasPrefix("/*") {
                var depth = 0
                var index = rest.startIndex
                while index < rest.endIndex {
                    let next = rest.index(after: index)
                    if rest[index...].hasPrefix("/*") {
                        depth += 1
                        index = rest.index(after: next)
                    } else if rest[index...].hasPrefix("*/") {
                        depth -= 1
                        index = rest.index(after: next)
                        if depth == 0 { break }
                    } else {
                        index = next
                    }
                }
                rest = rest[index...]
            } else {
                return rest
            }
        }
    }
}
