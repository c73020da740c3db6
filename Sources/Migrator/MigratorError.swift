import PGKit

/// What can stop the migrator, each with what the user needs to act on it.
public enum MigratorError: Error, CustomStringConvertible, Sendable {
    case migrationsDirectoryMissing(path: String)
    case invalidFileName(String)
    case duplicateVersion(Int64, String, String)
    case downWithoutUp(String)
    /// The file holds bytes that are not UTF-8, first on `line`; nothing ran.
    case notUTF8(file: String, line: Int)
    /// The file holds a NUL byte, first on `line`; nothing ran (libpq would cut the statement there).
    case containsNUL(file: String, line: Int)
    /// The file could not be read (the system's reason); nothing ran.
    case unreadableFile(file: String, reason: String)
    case invalidMigrationName(String)
    /// Applied migrations no longer match the files; nothing was applied.
    case drift([MigrationPlan.Entry])
    /// A statement failed; the migration was rolled back (unless it runs outside a transaction).
    case migrationFailed(file: String, line: Int, error: PGError, rolledBack: Bool)
    case downFileMissing(version: Int64, name: String)
    case nothingToRevert
    /// More migrations were asked to be reverted than are applied (`applied` lists them,
    /// newest first); nothing was reverted.
    case tooManySteps(requested: Int, applied: [String])
    /// The applied migrations changed between planning a revert and taking the lock (another
    /// dbctl ran); nothing was reverted.
    case historyChanged
    /// The lock stayed taken for the whole timeout; `holder` is who had it last.
    case lockTimeout(Duration, holder: MigrationLockHolder?)
    /// A `-- dbctl:` directive dbctl cannot honour (unknown, misplaced, a bad value); nothing ran.
    case invalidDirective(file: String, line: Int, reason: String)
    /// A statement's lock waits kept timing out until the retries ran out; the migration was
    /// rolled back (outside a transaction: the statements before this line stay applied).
    case lockRetriesExhausted(file: String, line: Int, attempts: Int, elapsed: Duration, lockTimeout: Duration?,
                              wait: LockWait?, rolledBack: Bool)

    /// What happened, with file names, migration names and the server's text shown safely for
    /// a terminal (``TerminalSafeText``): names on one line, messages keeping their line breaks.
    public var description: String {
        TerminalSafeText.escaping(text, layout: .multiLine)
    }

    private var text: String {
        func name(_ text: String) -> String { TerminalSafeText.escaping(text) }
        switch self {
        case .migrationsDirectoryMissing(let path):
            return "no migrations directory at \(name(path))"
        case .invalidFileName(let file):
            return "\(name(file)): migration files are named NNNN_name.up.sql or NNNN_name.down.sql"
        case .duplicateVersion(let version, let first, let second):
            return "two migrations have version \(String(format: "%04lld", version)): \(name(first)) and \(name(second))"
        case .downWithoutUp(let file):
            return "\(name(file)) has no matching .up.sql file"
        case .notUTF8(let file, let line):
            return "\(name(file)):\(line): not valid UTF-8; nothing was applied"
        case .containsNUL(let file, let line):
            return "\(name(file)):\(line): contains a NUL byte, which SQL text cannot hold; nothing was applied"
        case .unreadableFile(let file, let reason):
            return "\(name(file)) cannot be read (\(reason)); nothing was applied"
        case .invalidMigrationName(let given):
            return "\"\(name(given))\" is not a usable migration name (use letters, digits and underscores)"
        case .drift(let entries):
            let lines = entries.map { "  \(name($0.label)): \(name($0.explanation))" }
            return "the database and the migrations directory disagree; nothing was applied:\n" + lines.joined(separator: "\n")
        case .migrationFailed(let file, let line, let error, let rolledBack):
            var text = "\(name(file)):\(line): \(error.sqlState.map { "[\($0)] " } ?? "")\(error.message)"
            if let detail = error.detail { text += "\n  DETAIL: \(detail)" }
            if let hint = error.hint { text += "\n  HINT: \(hint)" }
            text += rolledBack
                ? "\n  The migration was rolled back; the database is as it was before it."
                : "\n  This migration runs outside a transaction: statements before this line were applied."
            return text
        case .downFileMissing(let version, let migration):
            return "migration \(name(Migration.label(version: version, name: migration))) has no .down.sql file; nothing was reverted"
        case .nothingToRevert:
            return "no applied migrations to revert"
        case .tooManySteps(let requested, let applied):
            return "asked to revert \(requested) migrations, but only \(applied.count) \(applied.count == 1 ? "is" : "are") applied "
                + "(\(applied.map(name).joined(separator: ", "))); nothing was reverted"
        case .historyChanged:
            return "the applied migrations changed while waiting for the migration lock (another dbctl ran); nothing was reverted"
        case .lockTimeout(let timeout, let holder):
            guard let holder else {
                return "the migration lock stayed taken for more than \(timeout); try again"
            }
            return "the migration lock stayed taken for more than \(timeout), held by \(name(holder.description)). "
                + "If that session is stuck, SELECT pg_terminate_backend(\(holder.pid)) ends it, and its lock with it"
        case .invalidDirective(let file, let line, let reason):
            return "\(name(file)):\(line): \(reason); nothing was applied"
        case .lockRetriesExhausted(let file, let line, let attempts, let elapsed, let lockTimeout, let wait, let rolledBack):
            let limit = lockTimeout.map { " within \(PGDurationText.describe($0))" } ?? ""
            var text = "\(name(file)):\(line): could not get a lock\(limit) in \(attempts) attempt\(attempts == 1 ? "" : "s") "
                + "over \(PGDurationText.describe(elapsed)); gave up"
            text += wait.map { "\n  It waited for \($0.description)" }
                ?? "\n  The session holding the lock was not seen in time (it is in pg_locks while it holds it)."
            text += rolledBack
                ? "\n  The migration was rolled back; the database is as it was before it."
                : "\n  This migration runs outside a transaction: statements before this line were applied."
            text += "\n  End that session, or migrate again once it is done."
            return text
        }
    }
}
