extension PGQueryable {
    /// Sends a notification on `channel` (`pg_notify`, channel and payload bound as parameters,
    /// so any text is safe). Inside a transaction it is delivered when the transaction commits,
    /// and not at all if it rolls back.
    /// ```swift
    /// try await pool.notify("session_changed", payload: sessionID.uuidString)
    /// ```
    public func notify(_ channel: String, payload: String = "") async throws {
        try await query(PGQuery("SELECT pg_notify($1, $2)", parameters: [channel, payload]))
    }
}
