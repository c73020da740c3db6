import ArgumentParser
import Migrator

/// `dbctl deploy`: production. Applies pending migrations; never prompts, never writes files.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations (for production and CI). Refuses when migrations drifted.",
        discussion: """
            Each statement waits at most --statement-lock-timeout for a lock; past it the migration is rolled back \
            (the app's queries queued behind it go ahead) and retried, naming the sessions that hold the lock. The lint \
            (dbctl lint) checks the pending migrations first and warns. Exit code 1 when a migration fails, when applied \
            migrations were edited, deleted or reordered, when a lock is still held after the retries, or with --strict \
            when the lint finds anything.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var limits: StatementLimitOptions

    @Option(help: ArgumentHelp("Seconds to wait for another deploy's migration lock (0: do not wait). Not the statements' "
                               + "lock_timeout: that is --statement-lock-timeout.", valueName: "seconds"))
    var lockTimeout: Int = 60

    @Flag(help: "Make lint findings errors: refuse to deploy, applying nothing (for CI).")
    var strict = false

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more seconds, not \(lockTimeout)") }
    }

    struct Report: Encodable {
        struct Applied: Encodable { let version: Int64; let name: String; let migration: String }
        let applied: [Applied]
        let lintFindings: [LintFinding]
    }

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal, fallback: .none(command: "deploy"))
        let migrator = limits.configure(Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath),
                                                 lockTimeout: .seconds(lockTimeout), onEvent: MigrationReporter.handler(terminal)))
        let findings = try MigrationLintCheck.checkPending(try await migrator.plan(), project: try database.project(), strict: strict, terminal: terminal)
        let applied = try await migrator.applyPending()
        if output.json {
            try JSONOutput.print(Report(applied: applied.map { .init(version: $0.version, name: $0.name, migration: $0.label) }, lintFindings: findings))
        } else {
            terminal.success(applied.isEmpty ? "no pending migrations" : "applied \(applied.count) migration(s)")
        }
    }
}
