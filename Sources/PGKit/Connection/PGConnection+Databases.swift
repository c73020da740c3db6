extension PGConnection {
    /// Creates the database `name` on this connection's server unless it exists; returns
    /// whether it created it. Safe against another process creating it at the same moment.
    @discardableResult
    public func createDatabaseIfMissing(_ name: String) async throws -> Bool {
        let exists = try await query("SELECT 1 FROM pg_database WHERE datname = \(name)").count == 1
        guard !exists else { return false }
        do {
            try await executeScript("CREATE DATABASE \(PGQuery.quoteIdentifier(name))")
            return true
        } catch let error as PGError where error.sqlState == .duplicateDatabase {
            return false
        }
    }
}
