import Foundation
import LocalPostgres
import Migrator
import PGKit
import Repositories
import Synchronization

/// A fresh, migrated database for each test, so tests never see each other's rows, even run
/// in parallel. The first use in a test run migrates a template database once with the
/// project's migrations (the chat schema's and the app's own); every test then gets a copy of
/// it (`CREATE DATABASE ... TEMPLATE`, milliseconds), dropped when the test ends, pass or fail.
///
/// ```swift
/// import PGKitTesting
/// import Testing
///
/// @Test func createsATag() async throws {
///     try await PGTestDatabase.withDatabase { db in        // a Database over a fresh copy
///         let user = try await db.users.create(email: "ada@example.com")
///         #expect(try await db.users.find(id: user.id) != nil)
///     }
/// }
/// ```
/// The server: `PGKIT_TEST_DATABASE_URL`, then `DATABASE_URL`, and without either a throwaway
/// local cluster in a temporary directory, started once per test run and stopped at exit.
/// XCTest works the same way: call `withDatabase` in an `async throws` test method.
public enum PGTestDatabase {
    /// Runs `body` with a `Database` (pool and chat repositories) on a fresh copy of the
    /// migrated template; the database is dropped afterwards, whatever `body` does.
    public static func withDatabase<T>(migrations: String? = nil, _ body: (Database) async throws -> T) async throws -> T {
        try await withConfiguration(migrations: migrations) { config in
            let db = Database(pool: PGPool(config: config, configuration: .init(maxConnections: 4)))
            do {
                let value = try await body(db)
                await db.shutdown()
                return value
            } catch {
                await db.shutdown()
                throw error
            }
        }
    }

    /// Runs `body` with the configuration of a fresh copy of the migrated template, dropped
    /// afterwards.
    public static func withConfiguration<T>(migrations: String? = nil, _ body: (PGConfig) async throws -> T) async throws -> T {
        let config = try await create(migrations: migrations)
        do {
            let value = try await body(config)
            try await drop(config)
            return value
        } catch {
            try? await drop(config)
            throw error
        }
    }

    /// A fresh copy of the migrated template; drop it with `drop(_:)`.
    public static func create(migrations: String? = nil) async throws -> PGConfig {
        let directory = try migrations ?? PGKitProject.find().migrationsDirectory.path
        let server = try await TestServer.shared.configuration()
        let template = try await Templates.shared.template(for: directory, on: server)
        let name = "pgkit_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PGConnection.withConnection(server) { admin in
            try await admin.executeScript("CREATE DATABASE \(PGQuery.quoteIdentifier(name)) TEMPLATE \(PGQuery.quoteIdentifier(template))")
        }
        return server.withDatabase(name)
    }

    /// Drops a database `create` made.
    public static func drop(_ config: PGConfig) async throws {
        guard let name = config.database, name.hasPrefix("pgkit_test_") else { return }
        let server = try await TestServer.shared.configuration()
        try await PGConnection.withConnection(server) { admin in
            try await admin.executeScript("DROP DATABASE IF EXISTS \(PGQuery.quoteIdentifier(name)) WITH (FORCE)")
        }
    }
}

/// The templates of this test run: one per migrations directory and content, migrated once
/// (across processes too: an advisory lock serialises their creation).
final class Templates: Sendable {
    static let shared = Templates()
    private let made = Mutex<[String: Task<String, any Error>]>([:])

    func template(for directory: String, on server: PGConfig) async throws -> String {
        let task = made.withLock { made -> Task<String, any Error> in
            if let task = made[directory] { return task }
            let task = Task { try await Self.make(directory, on: server) }
            made[directory] = task
            return task
        }
        return try await task.value
    }

    /// `pgkit_template_<hash of the migrations>`, created and migrated unless it exists.
    private static func make(_ directory: String, on server: PGConfig) async throws -> String {
        let migrations = try MigrationDirectory(path: directory).load()
        // Named after the migrations' checksums (FNV-1a: stable across processes), so a
        // changed migration gets a template of its own.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in migrations.map({ "\($0.version):\($0.checksum)" }).joined(separator: ",").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let name = "pgkit_template_" + String(hash, radix: 16)
        try await PGConnection.withConnection(server) { admin in
            try await admin.query("SELECT pg_advisory_lock(724243)")
            do {
                let exists = try await admin.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count == 1
                if !exists {
                    let building = name + "_building"
                    try await admin.executeScript("DROP DATABASE IF EXISTS \(PGQuery.quoteIdentifier(building)) WITH (FORCE)")
                    try await admin.executeScript("CREATE DATABASE \(PGQuery.quoteIdentifier(building))")
                    try await Migrator(config: server.withDatabase(building), directory: MigrationDirectory(path: directory)).applyPending()
                    // Renamed only once complete, so a crash never leaves a half-migrated template.
                    try await admin.executeScript("ALTER DATABASE \(PGQuery.quoteIdentifier(building)) RENAME TO \(PGQuery.quoteIdentifier(name))")
                }
            } catch {
                _ = try? await admin.query("SELECT pg_advisory_unlock(724243)")
                throw error
            }
            _ = try await admin.query("SELECT pg_advisory_unlock(724243)")
        }
        return name
    }
}
