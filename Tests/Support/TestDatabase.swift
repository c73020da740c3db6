import Foundation
import PGKit

/// The server the integration tests run against, and a fresh database per test suite.
///
/// `scripts/test` starts a throwaway cluster and exports `PGKIT_TEST_DATABASE_URL`; each suite
/// copies a template database that has the `vector` and `citext` extensions, so suites never
/// see each other's rows.
public enum TestDatabase {
    static let templateName = "pgkit_test_template"

    public static func serverConfig() throws -> PGConfig {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["PGKIT_TEST_DATABASE_URL"] ?? environment["DATABASE_URL"] else {
            throw PGError(.invalidConfiguration, "set PGKIT_TEST_DATABASE_URL (scripts/test does) to run the integration tests")
        }
        return try PGConfig(url)
    }

    /// Creates (or recreates) a database named after `suite` and returns its configuration.
    public static func create(_ suite: String) async throws -> PGConfig {
        let server = try serverConfig()
        let admin = try await PGConnection.connect(server)
        defer { Task { await admin.close() } }
        try await ensureTemplate(admin: admin, server: server)
        let name = "pgkit_test_\(suite.lowercased())"
        // FORCE ends sessions, not replication slots: a slot of an earlier run (a change feed's
        // temporary slot whose process just exited, a persistent one a failed test left) goes first.
        for attempt in 0..<100 {
            try await admin.query("""
                SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = \(name) AND active_pid IS NOT NULL
                """)
            try await admin.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = \(name) AND NOT active")
            do {
                try await admin.executeScript("DROP DATABASE IF EXISTS \(PGQuery.quoteIdentifier(name)) WITH (FORCE)")
                break
            } catch let error as PGError where error.sqlState == PGSQLState(rawValue: "55006") && attempt < 99 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await admin.executeScript("CREATE DATABASE \(PGQuery.quoteIdentifier(name)) TEMPLATE \(templateName)")
        return server.withDatabase(name)
    }

    /// Opens a connection to a fresh database for `suite`.
    public static func connect(_ suite: String) async throws -> PGConnection {
        try await PGConnection.connect(try await create(suite))
    }

    private static func ensureTemplate(admin: PGConnection, server: PGConfig) async throws {
        try await admin.query("SELECT pg_advisory_lock(724242)")
        do {
            let exists = try await admin.query("SELECT 1 FROM pg_database WHERE datname = \(templateName)").count == 1
            if !exists {
                try await admin.executeScript("CREATE DATABASE \(templateName)")
                do {
                    // Closed before use either way: a template must have no sessions.
                    try await PGConnection.withConnection(server.withDatabase(templateName)) { template in
                        try await template.executeScript("CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS citext")
                    }
                } catch {
                    // A template without its extensions must not be found by the next run
                    // (pgvector installed meanwhile): it is made again then.
                    try? await admin.executeScript("DROP DATABASE IF EXISTS \(templateName) WITH (FORCE)")
                    throw error
                }
            }
        } catch {
            try await admin.query("SELECT pg_advisory_unlock(724242)")
            throw error
        }
        try await admin.query("SELECT pg_advisory_unlock(724242)")
    }
}

/// One database shared by every test of a suite, created on first use.
///
/// Swift Testing makes a new suite instance per test and runs tests in parallel, so the
/// database is created once (a static per suite) and each test opens its own connection.
public final class SuiteDatabase: Sendable {
    private let config: Task<PGConfig, any Error>

    public init(_ suite: String) {
        config = Task { try await TestDatabase.create(suite) }
    }

    public func configuration() async throws -> PGConfig { try await config.value }

    /// The configuration with an `application_name` (for finding a test's sessions in
    /// `pg_stat_activity`) and, when given, a query timeout.
    public func configuration(applicationName: String, queryTimeout: Duration? = nil) async throws -> PGConfig {
        var config = try await config.value
        config["application_name"] = applicationName
        if let queryTimeout { config.queryTimeout = queryTimeout }
        return config
    }

    public func connect() async throws -> PGConnection {
        try await PGConnection.connect(try await config.value)
    }

    /// Runs `body` with a new connection and closes it afterwards.
    public func withConnection<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        try await PGConnection.withConnection(try await config.value, body)
    }
}
