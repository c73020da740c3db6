import ArgumentParser
import Migrator
import PGKit

/// The options `deploy` and `migrate` share for applying migrations without stalling the app:
/// each statement's lock and statement timeouts, and how lock timeouts are retried.
struct StatementLimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "How long each migration statement may wait for a lock (PostgreSQL's lock_timeout; off: no limit). When it passes, the "
            + "migration is rolled back and retried, and the app's queries queued behind it go ahead. A file's -- dbctl:lock-timeout wins.",
        valueName: "duration"))
    var statementLockTimeout = DurationArgument(StatementTimeouts.defaultLockTimeout)

    @Option(help: ArgumentHelp(
        "The statement_timeout of each migration statement (off: no limit; default: the server's). A file's -- dbctl:statement-timeout wins.",
        valueName: "duration"))
    var statementTimeout: DurationArgument?

    @Option(help: ArgumentHelp("Attempts at a migration whose lock wait timed out, the first included.", valueName: "count"))
    var lockAttempts = 10

    @Option(help: ArgumentHelp("Start no new attempt this long after a migration's first one (e.g. 5min).", valueName: "duration"))
    var lockRetryLimit = DurationArgument(.seconds(300))

    func validate() throws {
        guard lockAttempts >= 1 else { throw ValidationError("--lock-attempts must be at least 1, not \(lockAttempts)") }
        guard lockRetryLimit.duration > .zero else { throw ValidationError("--lock-retry-limit must be a duration such as 5min, not off") }
    }

    /// `migrator` with these limits.
    func configure(_ migrator: Migrator) -> Migrator {
        var migrator = migrator
        migrator.statementTimeouts = StatementTimeouts(lockTimeout: statementLockTimeout.duration, statementTimeout: statementTimeout?.duration)
        migrator.lockRetry = LockRetryPolicy(maxAttempts: lockAttempts, giveUpAfter: lockRetryLimit.duration)
        return migrator
    }
}

/// A duration on the command line: `500ms`, `5s`, `2min`, `1h`, or `off` (and `0`) for no limit.
/// A bare number is refused: it would mean seconds here and milliseconds to PostgreSQL.
struct DurationArgument: ExpressibleByArgument {
    let duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        if ["off", "0"].contains(argument.lowercased()) {
            duration = .zero
        } else if let parsed = PGDurationText.parse(argument) {
            duration = parsed
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { duration == .zero ? "off" : PGDurationText.describe(duration) }
}
