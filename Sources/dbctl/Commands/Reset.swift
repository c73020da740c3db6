import ArgumentParser
import Foundation
import Migrator

/// `dbctl reset`: drop everything and reapply all migrations (development only).
struct Reset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop every table, type and function, then reapply all migrations.",
        discussion: "Asks for confirmation on a terminal; elsewhere it refuses unless --force is given (exit 2).")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Load the sample data afterwards (dbctl seed).")
    var seed = false

    @Flag(help: "Do not ask for confirmation (required when not on a terminal).")
    var force = false

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal, fallback: .localCluster)
        let target = "\(config.database ?? "?") on \(config.host ?? "?")"
        try Confirmation.require("reset would drop all data in \(target)", details: ["This drops ALL data in \(target)."],
                                 database: config.database, force: force, terminal: terminal)
        let migrator = Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath),
                                onEvent: MigrationReporter.handler(terminal))
        try await migrator.dropEverything()
        terminal.success("dropped everything in \(target)")
        let applied = try await migrator.applyPending()
        terminal.success("applied \(applied.count) migration(s)")
        if seed { try await Seed.seed(config, terminal: terminal) }
    }
}
