import ArgumentParser
import Foundation
import LocalPostgres
import Migrator

/// `dbctl migrate`: the development loop (Prisma's `migrate dev`).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new migration and/or apply pending ones to the development database.",
        discussion: """
            With --name, creates migrations/NNNN_NAME.up.sql and .down.sql from a template. \
            Unless --create-only is given, it then replays every migration from zero on a \
            throwaway shadow database (proving they apply cleanly) and applies the pending \
            ones. A migration that is still an empty template stays pending until you write it. \
            The lint (dbctl lint) checks the pending migrations first: warnings, or errors with --strict. \
            The checked queries (dbctl generate) must still prepare against the replayed schema: \
            a migration that breaks one is refused, naming the query's file:line.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Create a new migration with this name (letters, digits, underscores).")
    var name: String?

    @Flag(help: "Only create the migration files; apply nothing.")
    var createOnly = false

    @Flag(help: "Skip the replay on a shadow database.")
    var noShadow = false

    @Flag(help: "Make lint findings in the pending migrations errors: apply nothing.")
    var strict = false

    @OptionGroup var limits: StatementLimitOptions

    func validate() throws {
        if createOnly && name == nil { throw ValidationError("--create-only needs --name") }
    }

    func run() async throws {
        let terminal = Terminal.standardError
        let directory = MigrationDirectory(path: try database.migrationsPath)
        if let name {
            let (up, down) = try directory.createMigration(named: name)
            let folder = try database.migrationsOption ?? database.project().configuration.migrations
            terminal.success("created \(folder)/\(up.lastPathComponent) and \(down.lastPathComponent)")
            if createOnly { return }
        }
        let config = try await database.resolve(terminal, fallback: .localCluster)
        let migrator = limits.configure(Migrator(config: config, directory: directory, onEvent: MigrationReporter.handler(terminal)))
        let project = try database.project()
        let schema = config.schema ?? project.configuration.schema
        try MigrationLintCheck.checkPending(try await migrator.plan(), project: project, strict: strict, terminal: terminal)
        if !noShadow {
            terminal.note("Replaying every migration on a shadow database...")
            try await migrator.verifyReplayOnShadowDatabase { shadow in
                // An app's migrations must keep every column the chat repositories read.
                if ChatSchemaCheck.applies(to: project) { try await ChatSchemaCheck.verify(shadow, schema: schema) }
                // And every checked query must still prepare against the migrated schema.
                try await ProjectModels(project: project).verifyQueries(shadow, schema: schema)
            }
            terminal.success("all migrations replay cleanly from an empty database")
        }
        let applied = try await migrator.applyPending(skipEmpty: true)
        if noShadow, ChatSchemaCheck.applies(to: project) { try await ChatSchemaCheck.verify(config, schema: schema) }
        if noShadow { try await ProjectModels(project: project).verifyQueries(config, schema: schema) }
        terminal.success(applied.isEmpty ? "nothing to apply" : "applied \(applied.count) migration(s)")
    }
}
