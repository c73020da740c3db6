/// The limits each migration statement runs under, so a migration cannot stall the app.
///
/// A DDL statement that waits for a lock (an `ALTER TABLE` behind a long transaction that read
/// the table) makes every later query on that table queue behind it. With a `lockTimeout`, the
/// wait ends after that long: the migration is rolled back, the app's queries go ahead, and the
/// migrator tries again later (``LockRetryPolicy``). A file can set its own limits
/// (``MigrationDirectives``):
///
/// ```sql
/// -- dbctl:lock-timeout 10s
/// -- dbctl:statement-timeout 2min
/// ALTER TABLE messages ADD COLUMN flagged boolean;
/// ```
public struct StatementTimeouts: Sendable, Equatable {
    /// PostgreSQL's `lock_timeout` for each statement: the longest it waits for one lock.
    /// `.zero` waits without limit; nil leaves the server's setting. Five seconds by default.
    public var lockTimeout: Duration?
    /// PostgreSQL's `statement_timeout` for each statement. `.zero` is no limit; nil (the
    /// default) leaves the server's setting, since migrations may legitimately take long.
    public var statementTimeout: Duration?

    /// The default lock timeout: long enough for a busy table's short transactions to finish,
    /// short enough that the app's queries queued behind the migration barely notice.
    public static let defaultLockTimeout: Duration = .seconds(5)

    public init(lockTimeout: Duration? = StatementTimeouts.defaultLockTimeout, statementTimeout: Duration? = nil) {
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
    }

    /// These limits with a file's own (its directives win).
    func overridden(by directives: MigrationDirectives) -> StatementTimeouts {
        StatementTimeouts(lockTimeout: directives.lockTimeout ?? lockTimeout,
                          statementTimeout: directives.statementTimeout ?? statementTimeout)
    }

    /// The limits for one statement: those that run `CONCURRENTLY` wait for locks without limit,
    /// since the lock they take (SHARE UPDATE EXCLUSIVE) does not block the app's reads and
    /// writes, and one cancelled while it waits leaves an invalid index behind.
    func forStatement(runningConcurrently: Bool) -> StatementTimeouts {
        runningConcurrently && lockTimeout != nil ? StatementTimeouts(lockTimeout: .zero, statementTimeout: statementTimeout) : self
    }

    /// The settings to pass to `set_config`, by name (milliseconds, as PostgreSQL takes them).
    var settings: [String: String] {
        var settings: [String: String] = [:]
        if let lockTimeout { settings["lock_timeout"] = Self.milliseconds(lockTimeout) }
        if let statementTimeout { settings["statement_timeout"] = Self.milliseconds(statementTimeout) }
        return settings
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }
}

/// What the migrator does when a statement's lock wait times out: rolls the migration back and
/// tries it again after a backoff (doubling, with jitter), until `maxAttempts` attempts or
/// `giveUpAfter` since the first one, then fails naming the sessions that held the lock.
///
/// The schedule is a pure function of the attempt, the time spent and a random number, so it
/// is tested without a database:
/// ```swift
/// LockRetryPolicy().delay(afterAttempt: 1, elapsed: .seconds(5), jitter: 0.5)   // 1 s
/// ```
public struct LockRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (1: never retry).
    public var maxAttempts: Int
    /// No new attempt starts once this much time has passed since the first one began.
    public var giveUpAfter: Duration
    /// The wait before the second attempt; it doubles for each further one, up to `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 10, giveUpAfter: Duration = .seconds(300),
                initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.giveUpAfter = giveUpAfter
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// How long to wait before the next attempt, after attempt `attempt` (1-based) timed out
    /// `elapsed` after the first attempt began; nil to give up. `jitter` (0...1, random in use)
    /// spreads the wait over 0.5 to 1.5 times the backoff, so retries do not run in step with
    /// another deploy's or the app's.
    public func delay(afterAttempt attempt: Int, elapsed: Duration, jitter: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        var backoff = initialBackoff
        for _ in 1..<attempt where backoff < maxBackoff { backoff *= 2 }
        let delay = min(backoff, maxBackoff) * (0.5 + min(max(jitter, 0), 1))
        guard elapsed + delay < giveUpAfter else { return nil }
        return delay
    }
}
