import PGKit

/// Applying one migration without stalling the app: every statement runs under the
/// ``StatementTimeouts`` (the file's directives win); a lock timeout (SQLSTATE 55P03) rolls the
/// migration back and retries it per ``LockRetryPolicy``, naming who held the lock.
///
/// In a transaction, a retry reruns the whole migration (nothing of the failed attempt
/// remains). Outside one (`-- dbctl:no-transaction`), the statements before the failed one stay
/// applied and only the failed statement is retried.
extension Migrator {
    func apply(_ migration: Migration, on connection: PGConnection, watcher: LockWaitWatcher) async throws {
        let limits = statementTimeouts.overridden(by: try migration.directives())
        onEvent(.applying(migration))
        if migration.isEmpty { onEvent(.noStatements(file: migration.upFileName)) }
        await watcher.beginMigration()
        let started = ContinuousClock.now
        var budget = LockRetryBudget(started: started)
        if migration.runsOutsideTransaction {
            var current: StatementTimeouts?
            for statement in SQLScript(migration.upSQL) {
                let needed = limits.forStatement(runningConcurrently: ConcurrentStatement.runsConcurrently(statement.sql))
                try await retryingLockTimeouts(migration, budget: &budget, limits: needed) {
                    if needed != current {
                        try await Self.setSessionLimits(needed, on: connection)
                        current = needed
                    }
                    try await execute(statement, file: migration.upFileName, on: connection, rolledBack: false, watcher: watcher)
                }
            }
            if current != nil { try await connection.executeScript("RESET lock_timeout; RESET statement_timeout") }
            try await MigrationHistory.insert(migration, milliseconds: milliseconds(since: started), on: connection)
        } else {
            try await retryingLockTimeouts(migration, budget: &budget, limits: limits) {
                try await connection.transaction(PGTransactionOptions(settings: limits.settings)) { tx in
                    for statement in SQLScript(migration.upSQL) {
                        try await execute(statement, file: migration.upFileName, on: tx, rolledBack: true, watcher: watcher)
                    }
                    try await MigrationHistory.insert(migration, milliseconds: milliseconds(since: started), on: tx)
                }
            }
        }
        onEvent(.applied(migration, milliseconds: milliseconds(since: started)))
    }

    /// Runs `attempt` until it does not end in a statement's lock timeout, waiting between
    /// attempts as `lockRetry` says; when it says to give up, throws `lockRetriesExhausted`.
    private func retryingLockTimeouts(_ migration: Migration, budget: inout LockRetryBudget, limits: StatementTimeouts,
                                      _ attempt: () async throws -> Void) async throws {
        while true {
            do {
                return try await attempt()
            } catch let timeout as StatementLockTimeout {
                let elapsed = ContinuousClock.now - budget.started
                guard let delay = lockRetry.delay(afterAttempt: budget.attempt, elapsed: elapsed, jitter: Double.random(in: 0...1)) else {
                    throw MigratorError.lockRetriesExhausted(
                        file: timeout.file, line: timeout.line, attempts: budget.attempt, elapsed: elapsed,
                        lockTimeout: limits.lockTimeout, wait: timeout.wait, rolledBack: timeout.rolledBack)
                }
                onEvent(.statementLockTimedOut(file: timeout.file, line: timeout.line, attempt: budget.attempt,
                                               maxAttempts: lockRetry.maxAttempts, retryIn: delay, wait: timeout.wait))
                try await Task.sleep(for: delay)
                budget.attempt += 1
            }
        }
    }

    /// Runs one statement, watched for lock waits; a server error becomes `migrationFailed`
    /// naming the file and line, a lock timeout a `StatementLockTimeout` for the retry loop.
    private func execute(_ statement: SQLScript.Statement, file: String, on connection: PGConnection, rolledBack: Bool,
                         watcher: LockWaitWatcher) async throws {
        let (result, wait) = await watcher.watching(pid: connection.backendPID, file: file, line: statement.line) {
            try await connection.executeScript(statement.sql)
        }
        do {
            try result.get()
        } catch let error as PGError where error.kind == .server {
            let line = Self.line(of: error, in: statement)
            // A no-transaction file's own BEGIN block cannot be retried one statement at a time.
            if error.sqlState == .lockNotAvailable, rolledBack || !connection.hasOpenServerTransaction {
                throw StatementLockTimeout(file: file, line: line, wait: wait, rolledBack: rolledBack)
            }
            throw MigratorError.migrationFailed(file: file, line: line, error: error, rolledBack: rolledBack)
        }
    }

    private static func setSessionLimits(_ limits: StatementTimeouts, on connection: PGConnection) async throws {
        var sql = "RESET lock_timeout; RESET statement_timeout"
        for (name, value) in limits.settings.sorted(by: { $0.key < $1.key }) {
            sql += "; SET \(name) = '\(value)'"
        }
        try await connection.executeScript(sql)
    }
}

/// Where a migration's lock retries stand: when its first attempt began, and which attempt runs.
struct LockRetryBudget {
    let started: ContinuousClock.Instant
    var attempt = 1
}

/// A statement's lock wait ended by `lock_timeout`: the retry loop's signal.
struct StatementLockTimeout: Error {
    let file: String
    let line: Int
    let wait: LockWait?
    let rolledBack: Bool
}
