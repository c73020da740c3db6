import Foundation
import PGKit

/// Applies and reverts the migrations in a directory, safely:
/// - each migration and its history row commit together, in one transaction (unless the file
///   opts out with `-- dbctl:no-transaction`), so a failure leaves no trace;
/// - an advisory lock serializes concurrent deploys, so each migration applies exactly once;
/// - drift (edited, deleted or out-of-order migrations) stops everything before it starts.
///
/// ```swift
/// let migrator = Migrator(config: config, directory: MigrationDirectory(path: "migrations"))
/// let plan = try await migrator.plan()
/// let applied = try await migrator.applyPending()
/// ```
public struct Migrator: Sendable {
    public let config: PGConfig
    public let directory: MigrationDirectory
    /// How long to wait for another process's migration lock.
    public var lockTimeout: Duration
    /// The `lock_timeout` and `statement_timeout` each migration statement runs with (a file's
    /// `-- dbctl:lock-timeout` and `-- dbctl:statement-timeout` win): five seconds of lock wait
    /// by default, so a migration queued behind a long transaction never stalls the app longer.
    public var statementTimeouts = StatementTimeouts()
    /// How a migration whose statement timed out waiting for a lock is retried.
    public var lockRetry = LockRetryPolicy()
    public var onEvent: @Sendable (MigratorEvent) -> Void

    /// The advisory lock key every dbctl uses ("dbctl_mg" in ASCII).
    static let lockKey: Int64 = 0x6462_6374_6C5F_6D67

    public init(config: PGConfig, directory: MigrationDirectory, lockTimeout: Duration = .seconds(60),
                onEvent: @escaping @Sendable (MigratorEvent) -> Void = { _ in }) {
        self.config = config
        self.directory = directory
        self.lockTimeout = lockTimeout
        self.onEvent = onEvent
    }

    /// Compares the directory with the database's history. Changes nothing.
    public func plan() async throws -> MigrationPlan {
        let migrations = try directory.load()
        return try await withConnection { connection in
            MigrationPlan(migrations: migrations, applied: try await MigrationHistory.records(on: connection))
        }
    }

    /// Applies every pending migration in order, under the lock. Refuses on drift.
    /// With `skipEmpty`, migrations that contain no statements yet stay pending.
    @discardableResult
    public func applyPending(skipEmpty: Bool = false) async throws -> [Migration] {
        let migrations = try directory.load()
        return try await withConnection { connection in
            try await withLock(on: connection) {
                try await MigrationHistory.create(on: connection)
                let plan = MigrationPlan(migrations: migrations, applied: try await MigrationHistory.records(on: connection))
                guard plan.drift.isEmpty else { throw MigratorError.drift(plan.drift) }
                // A directive that cannot be honoured stops everything before anything runs.
                for migration in plan.pending { _ = try migration.directives() }
                let watcher = LockWaitWatcher(config: connectionConfig, onEvent: onEvent)
                var applied: [Migration] = []
                do {
                    for migration in plan.pending {
                        if skipEmpty && migration.isEmpty {
                            onEvent(.skippedEmpty(migration))
                            break
                        }
                        try await apply(migration, on: connection, watcher: watcher)
                        applied.append(migration)
                    }
                } catch {
                    await watcher.close()
                    throw error
                }
                await watcher.close()
                return applied
            }
        }
    }

    /// What reverting the last `steps` applied migrations would do, without doing it (no lock
    /// taken): refuses when fewer are applied, a down file is missing, or one was edited.
    public func planRevert(steps: Int) async throws -> RevertPlan {
        let migrations = try directory.load()
        return try await withConnection { connection in
            try RevertPlan(migrations: migrations, applied: try await MigrationHistory.records(on: connection), count: steps)
        }
    }

    /// Reverts the last `steps` applied migrations with their down files, newest first, each
    /// in a transaction (unless its down file opts out). Checks every down file exists before
    /// changing anything.
    @discardableResult
    public func revert(steps: Int) async throws -> [MigrationRecord] {
        try await revert(try await planRevert(steps: steps))
    }

    /// Reverts what `plan` says, once it holds the lock, and only if the history still matches
    /// it (``MigratorError/historyChanged`` otherwise, with nothing reverted): what a user
    /// confirmed is what runs.
    @discardableResult
    public func revert(_ plan: RevertPlan) async throws -> [MigrationRecord] {
        let migrations = try directory.load()
        return try await withConnection { connection in
            try await withLock(on: connection) {
                let current = try RevertPlan(migrations: migrations, applied: try await MigrationHistory.records(on: connection),
                                             count: plan.steps.count)
                guard current == plan else { throw MigratorError.historyChanged }
                for step in plan.steps {
                    let (record, migration) = (step.record, step.migration)
                    let file = migration.downFileName ?? migration.upFileName
                    onEvent(.reverting(record))
                    if !SQLScript(migration.downSQL ?? "").hasStatements { onEvent(.noStatements(file: file)) }
                    if migration.downRunsOutsideTransaction {
                        try await run(migration.downSQL ?? "", file: file, on: connection, rolledBack: false)
                        try await MigrationHistory.delete(version: record.version, on: connection)
                    } else {
                        try await connection.transaction { tx in
                            try await run(migration.downSQL ?? "", file: file, on: tx, rolledBack: true)
                            try await MigrationHistory.delete(version: record.version, on: tx)
                        }
                    }
                    onEvent(.reverted(record))
                }
                return plan.steps.map(\.record)
            }
        }
    }

    /// Drops every user schema (tables, functions, extensions and the history with them) and
    /// recreates an empty `public` schema. Used by `dbctl reset`.
    public func dropEverything() async throws {
        try await withConnection { connection in
            try await withLock(on: connection) {
                try await connection.executeScript("""
                    DO $$
                    DECLARE target record;
                    BEGIN
                        FOR target IN SELECT nspname FROM pg_namespace
                                      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
                            EXECUTE format('DROP SCHEMA %I CASCADE', target.nspname);
                        END LOOP;
                    END $$;
                    CREATE SCHEMA public;
                    GRANT USAGE ON SCHEMA public TO PUBLIC;
                    """)
            }
        }
    }

    /// Proves that every migration replays cleanly from an empty database: applies them all on
    /// a throwaway database on the same server (Prisma's shadow database), runs `inspect` on
    /// the result (checks of the schema the migrations make), then drops it.
    public func verifyReplayOnShadowDatabase(inspect: (PGConfig) async throws -> Void = { _ in }) async throws {
        let shadowName = "dbctl_shadow_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        try await withConnection { connection in
            try await connection.executeScript("CREATE DATABASE \(PGQuery.quoteIdentifier(shadowName))")
        }
        let shadowConfig = config.withDatabase(shadowName)
        do {
            try await Migrator(config: shadowConfig, directory: directory).applyPending()
            try await inspect(shadowConfig)
        } catch {
            try? await dropDatabase(shadowName)
            throw error
        }
        try await dropDatabase(shadowName)
    }

    private func dropDatabase(_ name: String) async throws {
        try await withConnection { connection in
            try await connection.executeScript("DROP DATABASE IF EXISTS \(PGQuery.quoteIdentifier(name)) WITH (FORCE)")
        }
    }

    /// Creates the configured database when it does not exist (connecting to the server's
    /// `postgres` database to do so). Returns whether it created it.
    public static func createDatabaseIfMissing(_ config: PGConfig) async throws -> Bool {
        do {
            let connection = try await PGConnection.connect(config)
            await connection.close()
            return false
        } catch let error as PGError where error.sqlState == .invalidCatalogName {
            guard let name = config.database else { throw error }
            return try await PGConnection.withConnection(config.withDatabase("postgres")) { admin in
                try await admin.createDatabaseIfMissing(name)
            }
        }
    }

    // MARK: Running a file (applying one is in Migrator+LockSafeApply.swift)

    /// Runs a file's statements one by one, so a failure can name its line.
    private func run(_ sql: String, file: String, on connection: PGConnection, rolledBack: Bool) async throws {
        for statement in SQLScript(sql) {
            do {
                try await connection.executeScript(statement.sql)
            } catch let error as PGError where error.kind == .server {
                throw MigratorError.migrationFailed(file: file, line: Self.line(of: error, in: statement), error: error, rolledBack: rolledBack)
            }
        }
    }

    /// The file line of a server error: the statement's first line, or, when the server gave
    /// the error's position (in characters, which are code points), the line of that position.
    static func line(of error: PGError, in statement: SQLScript.Statement) -> Int {
        guard let position = error.position, position > 0 else { return statement.line }
        let prefix = statement.sql.unicodeScalars.prefix(position - 1)
        return statement.textLine + prefix.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
    }

    func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    // MARK: Connection and lock

    /// Migrations may legitimately run for a long time (an index on a big table), so the
    /// migrator's connections have no query timeout.
    private func withConnection<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        try await PGConnection.withConnection(connectionConfig, body)
    }

    private var connectionConfig: PGConfig {
        var config = self.config
        config.queryTimeout = nil
        return config
    }

    /// Holds the session-level advisory lock around `body`, waiting up to `lockTimeout`, and
    /// says who holds it while waiting (again whenever the holder changes).
    ///
    /// The lock is the session's, not a row: if this process dies, its connection closes and
    /// the server drops the lock with it, so no crash leaves a stale lock to clean up.
    private func withLock<T>(on connection: PGConnection, _ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + lockTimeout
        var reported = false
        var holder: MigrationLockHolder?
        var lastLookup = ContinuousClock.now - .seconds(1)
        while try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))").scalar(Bool.self) != true {
            if ContinuousClock.now - lastLookup >= .milliseconds(500) {
                lastLookup = ContinuousClock.now
                let current = try await MigrationLockHolder.find(key: Self.lockKey, on: connection)
                if !reported || (current != nil && (current?.pid != holder?.pid || current?.connectedAt != holder?.connectedAt)) {
                    onEvent(.waitingForLock(current))
                    reported = true
                }
                if current != nil { holder = current }
            }
            guard ContinuousClock.now < deadline else { throw MigratorError.lockTimeout(lockTimeout, holder: holder) }
            try await Task.sleep(for: .milliseconds(100))
        }
        if reported { onEvent(.acquiredLock) }
        do {
            let value = try await body()
            try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
            return value
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
            throw error
        }
    }
}
