import ArgumentParser
import Migrator

/// `dbctl down`: reverts the newest applied migrations with their down files.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revert the last applied migrations using their .down.sql files.",
        discussion: "Each runs in its own transaction. Refuses, changing nothing, when a down file is missing.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many migrations to revert.")
    var steps: Int = 1

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
    }

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal, fallback: .none(command: "down"))
        let migrator = Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath),
                                onEvent: MigrationReporter.handler(terminal))
        let reverted = try await migrator.revert(steps: steps)
        terminal.success("reverted \(reverted.count) migration(s)")
    }
}
