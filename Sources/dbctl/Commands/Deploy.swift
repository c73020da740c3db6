import ArgumentParser
import Migrator

/// `dbctl deploy`: production. Applies pending migrations; never prompts, never writes files.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations (for production and CI). Refuses when migrations drifted.",
        discussion: "Exit code 1 when a migration fails or when applied migrations were edited, deleted or reordered.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Seconds to wait for another deploy's migration lock (0: do not wait).", valueName: "seconds"))
    var lockTimeout: Int = 60

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more seconds, not \(lockTimeout)") }
    }

    struct Report: Encodable {
        struct Applied: Encodable { let version: Int64; let name: String; let migration: String }
        let applied: [Applied]
    }

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal, fallback: .none(command: "deploy"))
        let migrator = Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath),
                                lockTimeout: .seconds(lockTimeout), onEvent: MigrationReporter.handler(terminal))
        let applied = try await migrator.applyPending()
        if output.json {
            try JSONOutput.print(Report(applied: applied.map { .init(version: $0.version, name: $0.name, migration: $0.label) }))
        } else {
            terminal.success(applied.isEmpty ? "no pending migrations" : "applied \(applied.count) migration(s)")
        }
    }
}
