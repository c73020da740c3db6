import Foundation

/// Asking before a command destroys data (`reset`, a `down` whose down file drops tables): on
/// a terminal the user types the database's name; elsewhere the command refuses unless
/// `--force` was given (exit 2, nothing changed: the confirmation is missing from the command).
enum Confirmation {
    /// Returns when confirmed (or forced); throws otherwise. `action` says what would happen,
    /// as in "reset would drop all data in app on db1"; `details` are the lines shown above the
    /// question.
    static func require(_ action: String, details: [String], database: String?, force: Bool, terminal: Terminal) throws {
        if force { return }
        guard Terminal.isInteractive else {
            throw DBCtlFailure.usage("\(action); not on a terminal, so pass --force to confirm")
        }
        for line in details { terminal.line(.plain(line)) }
        terminal.prompt("Type the database name (\(database ?? "?")) to confirm: ")
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces), answer == database else {
            throw DBCtlFailure(message: "not confirmed; nothing was changed")
        }
    }
}
