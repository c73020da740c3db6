/// Progress the migrator reports while it works, for dbctl to print.
public enum MigratorEvent: Sendable {
    /// Another session holds the migration lock; waiting for it. Reported again whenever the
    /// holder changes; nil when it let go before it could be looked up.
    case waitingForLock(MigrationLockHolder?)
    case acquiredLock
    case applying(Migration)
    case applied(Migration, milliseconds: Int64)
    /// The statement at `file`:`line` is waiting for a lock the sessions in `wait` hold
    /// (reported when it is first seen and when the blockers change).
    case waitingForStatementLock(file: String, line: Int, LockWait)
    /// The statement's lock wait hit the lock timeout on attempt `attempt` of `maxAttempts`: the
    /// migration was rolled back (outside a transaction: only the statement) and is retried
    /// after `retryIn`.
    case statementLockTimedOut(file: String, line: Int, attempt: Int, maxAttempts: Int, retryIn: Duration, wait: LockWait?)
    /// A pending migration with no statements (an unedited template) was left pending.
    case skippedEmpty(Migration)
    /// A file about to run holds no statements, only comments: applying (or reverting) it
    /// changes nothing but the history.
    case noStatements(file: String)
    case reverting(MigrationRecord)
    case reverted(MigrationRecord)
}
