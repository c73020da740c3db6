extension PGConnection {
    /// Runs SQL (one or more statements, no parameters, the simple protocol) and returns each
    /// statement's command tag, columns and first `limit` rows as text, in bounded memory: rows
    /// arrive one at a time (libpq's single-row mode), those past `limit` are counted and
    /// dropped, and values longer than `maxBytes` are cut (at a character boundary).
    /// Cancelling the task cancels the statement on the server.
    /// ```swift
    /// let results = try await conn.textResults("UPDATE notes SET body = 'x'; SELECT * FROM notes", keepingRows: 1000)
    /// print(results.map(\.commandTag))  // ["UPDATE 12", "SELECT 12"]
    /// ```
    public func textResults(_ sql: String, keepingRows limit: Int, cuttingValuesAt maxBytes: Int? = nil) async throws -> [PGTextResult] {
        try await perform { try $0.textResults(sql, keepingRows: max(0, limit), cuttingValuesAt: maxBytes) }
    }
}
