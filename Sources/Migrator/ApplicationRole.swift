import PGKit

/// The login role an application connects as: a member of `chat_app` (which migrations grant
/// only data rights, no DDL, and row-level security applies to), with a password stored as a
/// SCRAM verifier computed on the client.
public enum ApplicationRole {
    /// The group role the migrations create and grant data rights to.
    public static let groupRole = "chat_app"

    /// Creates `name` (or updates its password) and makes it a member of `chat_app`.
    /// Returns whether the role was created.
    @discardableResult
    public static func createOrUpdate(_ name: String, password: String, on connection: PGConnection) async throws -> Bool {
        let verifier = try await connection.encryptPassword(password, user: name)
        let quotedVerifier = "'" + verifier.replacingOccurrences(of: "'", with: "''") + "'"
        let exists = try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(name)").count == 1
        let role = PGQuery.quoteIdentifier(name)
        if exists {
            try await connection.executeScript("ALTER ROLE \(role) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD \(quotedVerifier)")
        } else {
            try await connection.executeScript("CREATE ROLE \(role) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD \(quotedVerifier)")
        }
        try await connection.executeScript("GRANT \(PGQuery.quoteIdentifier(groupRole)) TO \(role)")
        return !exists
    }
}
