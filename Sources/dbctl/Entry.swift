import ArgumentParser
import Foundation

/// Runs dbctl with its exit codes: 0 success, 1 failure or drift, 2 bad usage.
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = CommandSuggestion.message(for: arguments, commands: DBCtl.commandNames) {
            Terminal.standardError.error(message)
            exit(2)
        }
        do {
            var command = try DBCtl.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exitCode as ExitCode {
            exit(exitCode.rawValue)
        } catch let error as DBCtlFailure {
            Terminal.standardError.error(error.message)
            exit(error.exitCode)
        } catch {
            let code = DBCtl.exitCode(for: error)
            if code == .success {
                print(DBCtl.fullMessage(for: error))
                exit(0)
            }
            if code == .validationFailure {
                var message = DBCtl.fullMessage(for: error)
                if message.hasPrefix("Error: ") { message.removeFirst(7) }
                Terminal.standardError.error(message)
                exit(2)
            }
            Terminal.standardError.error(Redaction.redact("\(error)"))
            exit(1)
        }
    }
}

/// A failure already described for the user; dbctl prints it and exits 1, or 2 for bad usage
/// found only once the command runs (a count larger than what is there, a missing --force).
struct DBCtlFailure: Error {
    let message: String
    var exitCode: Int32 = 1

    /// Bad usage (exit 2): nothing was changed.
    static func usage(_ message: String) -> DBCtlFailure { DBCtlFailure(message: message, exitCode: 2) }
}
