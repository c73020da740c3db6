import ArgumentParser
import Migrator
import PGKit

/// `dbctl setup`: everything a fresh checkout needs, idempotently.
struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database if needed, enable pgvector, and apply every pending migration.",
        discussion: "Safe to run again: each step is skipped when already done.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal)
        if try await Migrator.createDatabaseIfMissing(config) {
            terminal.success("created database \(config.database ?? "")")
        }
        let connection = try await PGConnection.connect(config)
        try await connection.executeScript("CREATE EXTENSION IF NOT EXISTS vector")
        await connection.close()
        terminal.success("pgvector is enabled")
        let migrator = Migrator(config: config, directory: MigrationDirectory(path: database.migrationsPath),
                                onEvent: MigrationReporter.handler(terminal))
        let applied = try await migrator.applyPending()
        terminal.success(applied.isEmpty ? "migrations are up to date" : "applied \(applied.count) migration(s)")
    }
}
