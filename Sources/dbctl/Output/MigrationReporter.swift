import Migrator
import PGKit

/// Turns migrator progress into lines on standard error (standard output stays for results).
enum MigrationReporter {
    static func handler(_ terminal: Terminal) -> @Sendable (MigratorEvent) -> Void {
        { event in
            switch event {
            case .waitingForLock(let holder?): terminal.note("Waiting for the migration lock, held by \(holder)")
            case .waitingForLock(nil): terminal.note("Waiting for the migration lock...")
            case .acquiredLock: terminal.note("Got the migration lock.")
            case .applying(let migration): terminal.note("Applying \(migration.upFileName)...")
            case .applied(let migration, let milliseconds): terminal.success("\(migration.upFileName) (\(milliseconds) ms)")
            case .waitingForStatementLock(let file, let line, let wait):
                terminal.warning("\(file):\(line) waits for \(wait.description)")
            case .statementLockTimedOut(let file, let line, let attempt, let maxAttempts, let retryIn, let wait):
                let holders = wait.map { " (held by " + $0.blockers.map { "pid \($0.pid)" }.joined(separator: ", ") + ")" } ?? ""
                terminal.warning("\(file):\(line) timed out waiting for its lock\(holders), attempt \(attempt) of \(maxAttempts): "
                    + "rolled back, the app's queries go ahead; retrying in \(PGDurationText.describe(retryIn))")
            case .skippedEmpty(let migration):
                terminal.warning("\(migration.upFileName) has no statements yet: edit it, then run `dbctl migrate` again")
            case .noStatements(let file):
                terminal.warning("\(file) holds no statements, only comments: it changes nothing but the migration history")
            case .reverting(let record): terminal.note("Reverting \(record.label)...")
            case .reverted(let record): terminal.success("reverted \(record.label)")
            }
        }
    }
}
