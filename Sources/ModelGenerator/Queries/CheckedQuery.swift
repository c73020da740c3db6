/// One named statement from a query file, as written: `-- name: labelsInSession :many` above
/// its SQL. Named parameters (`@sessionId`, `@note?` for one that may be NULL) are already
/// rewritten to `$n` in `sql`; `text` keeps what the file says.
public struct CheckedQuery: Sendable, Equatable {
    /// What the generated function returns.
    public enum Kind: String, Sendable, CaseIterable {
        /// The first row, or nil.
        case one
        /// Every row.
        case many
        /// The number of rows affected.
        case exec
        /// The rows as an `AsyncSequence`, a bounded number buffered at a time (on a
        /// `PGConnection`, which is where streaming happens).
        case stream
    }

    /// A parameter: named (`@sessionId`), or positional (`$1`, with no name).
    public struct Parameter: Sendable, Equatable {
        public let name: String?
        /// `@name?`: the function takes an Optional and binds NULL for nil.
        public let isOptional: Bool
    }

    public let name: String
    public let kind: Kind
    /// The query file's path as messages show it (relative to the project root).
    public let file: String
    /// The line of the `-- name:` annotation (1-based).
    public let line: Int
    /// The line the SQL starts on.
    public let sqlLine: Int
    /// The SQL as written in the file.
    public let text: String
    /// The SQL sent to the server: named parameters replaced by `$n`.
    public let sql: String
    /// Named parameters in `$n` order; empty when the query uses positional ones.
    public let namedParameters: [Parameter]

    /// `file:line`, for messages.
    public var location: String { "\(file):\(line)" }

    /// The file line of a server error's `position` (1-based, in characters of `sql`): the
    /// rewriting of parameters keeps every line break where it was.
    public func line(ofPosition position: Int?) -> Int {
        guard let position, position > 0 else { return sqlLine }
        let newlines = sql.unicodeScalars.prefix(position - 1).filter { $0 == "\n" }.count
        return sqlLine + newlines
    }
}
