import ArgumentParser
import Foundation
import Migrator
import ModelGenerator
import PGKit

/// `dbctl setup`: everything a fresh checkout needs, idempotently.
struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database if needed, enable pgvector, apply pending migrations, regenerate models.",
        discussion: "Safe to run again: each step is skipped when already done.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Load the sample data afterwards (dbctl seed).")
    var seed = false

    @Option(help: ArgumentHelp("Create (or update) this login role for the application: a member of chat_app, with data rights only and row-level security applied.", valueName: "role"))
    var appUser: String?

    @Option(help: ArgumentHelp("The environment variable holding --app-user's password (never passed on the command line).", valueName: "name"))
    var appPasswordEnv: String = "APP_DATABASE_PASSWORD"

    func validate() throws {
        if let appUser, (ProcessInfo.processInfo.environment[appPasswordEnv] ?? "").isEmpty {
            throw ValidationError("--app-user \(appUser) needs its password in the environment variable \(appPasswordEnv) (never on the command line); nothing was changed")
        }
    }

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal, fallback: .localCluster)
        if try await Migrator.createDatabaseIfMissing(config) {
            terminal.success("created database \(config.database ?? "")")
        }
        let connection = try await PGConnection.connect(config)
        try await connection.executeScript("CREATE EXTENSION IF NOT EXISTS vector")
        await connection.close()
        terminal.success("pgvector is enabled")
        let migrator = Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath),
                                onEvent: MigrationReporter.handler(terminal))
        let applied = try await migrator.applyPending()
        terminal.success(applied.isEmpty ? "migrations are up to date" : "applied \(applied.count) migration(s)")
        let project = try database.project()
        let models = ProjectModels(project: project)
        if models.isApp || FileManager.default.fileExists(atPath: models.directory.path) {
            let connection = try await PGConnection.connect(config)
            let generated: (files: [ModelGenerator.File], warnings: [String])
            do {
                generated = try await models.files(on: connection, schema: config.schema ?? project.configuration.schema)
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            let files = generated.files
            try ModelGenerator.write(files, to: models.directory)
            terminal.success("models in \(models.directory.path) match the schema")
        }
        if let appUser, let password = ProcessInfo.processInfo.environment[appPasswordEnv] {
            let created = try await PGConnection.withConnection(config) { connection in
                try await ApplicationRole.createOrUpdate(appUser, password: password, on: connection)
            }
            terminal.success("\(created ? "created" : "updated") login role \(appUser) (member of \(ApplicationRole.groupRole), no DDL rights)")
        }
        if seed { try await Seed.seed(config, terminal: terminal) }
    }
}
