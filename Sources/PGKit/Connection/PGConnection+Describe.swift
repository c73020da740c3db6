extension PGConnection {
    /// Asks the server to parse, analyse and describe `sql` without running it: the types of
    /// its `$n` parameters and of the columns it returns, and for each column the table column
    /// it reads directly. Throws the server's error (with its `position` in `sql`) when the
    /// statement does not prepare against the current schema. Uses the unnamed statement, so
    /// the prepared-statement cache is untouched.
    public func describe(_ sql: String) async throws -> PGStatementDescription {
        try await perform { session in try session.describe(sql) }
    }
}
