import Foundation
import PGKit

/// One row of the `dbctl_migrations` history table.
public struct MigrationRecord: Sendable, Equatable {
    public let version: Int64
    public let name: String
    public let checksum: String
    public let appliedAt: Date
    public let executionMilliseconds: Int64
    /// The database role that applied it.
    public let appliedBy: String
    /// The OS user and host dbctl ran on.
    public let appliedFrom: String

    /// `0003_add_tags`, as ``Migration/label`` names the migration.
    public var label: String { Migration.label(version: version, name: name) }
}

/// The `dbctl_migrations` table: what has been applied, when, by whom, and how long it took.
enum MigrationHistory {
    static let table = "dbctl_migrations"

    static func create(on connection: PGConnection) async throws {
        try await connection.executeScript("""
            CREATE TABLE IF NOT EXISTS \(table) (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                execution_ms bigint NOT NULL,
                applied_by text NOT NULL DEFAULT current_user,
                applied_from text NOT NULL
            )
            """)
    }

    /// The applied migrations, or none when the table does not exist yet.
    static func records(on connection: PGConnection) async throws -> [MigrationRecord] {
        let exists = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL").scalar(Bool.self) ?? false
        guard exists else { return [] }
        return try await connection.query("""
            SELECT version, name, checksum, applied_at, execution_ms, applied_by, applied_from
            FROM \(unescaped: table) ORDER BY version
            """).map { row in
            let (version, name, checksum, appliedAt, milliseconds, appliedBy, appliedFrom) =
                try row.decode((Int64, String, String, Date, Int64, String, String).self)
            return MigrationRecord(version: version, name: name, checksum: checksum, appliedAt: appliedAt,
                                   executionMilliseconds: milliseconds, appliedBy: appliedBy, appliedFrom: appliedFrom)
        }
    }

    static func insert(_ migration: Migration, milliseconds: Int64, on connection: PGConnection) async throws {
        try await connection.execute("""
            INSERT INTO \(unescaped: table) (version, name, checksum, execution_ms, applied_from)
            VALUES (\(migration.version), \(migration.name), \(migration.checksum), \(milliseconds), \(origin))
            """)
    }

    static func delete(version: Int64, on connection: PGConnection) async throws {
        try await connection.execute("DELETE FROM \(unescaped: table) WHERE version = \(version)")
    }

    static var origin: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}
