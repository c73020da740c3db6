import ArgumentParser
import Migrator

/// `dbctl down`: reverts the newest applied migrations with their down files.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revert the last applied migrations using their .down.sql files.",
        discussion: """
            Each runs in its own transaction (unless its down file starts with -- dbctl:no-transaction). \
            Refuses, changing nothing, when a down file is missing, and with exit code 2 when --steps is \
            more than the applied migrations. When a down file drops or empties tables (DROP TABLE, \
            DROP SCHEMA, TRUNCATE) it asks first on a terminal, and elsewhere refuses (exit 2) unless \
            --force is given.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "How many migrations to revert (no more than are applied).")
    var steps: Int = 1

    @Flag(help: "Do not ask before running down files that drop or empty tables (needed when not on a terminal).")
    var force = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
    }

    struct Report: Encodable {
        struct Reverted: Encodable { let version: Int64; let name: String; let migration: String }
        let reverted: [Reverted]
    }

    func run() async throws {
        let terminal = Terminal.standardError
        let config = try await database.resolve(terminal, fallback: .none(command: "down"))
        let migrator = Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath),
                                onEvent: MigrationReporter.handler(terminal))
        let plan: RevertPlan
        do {
            plan = try await migrator.planRevert(steps: steps)
        } catch let error as MigratorError {
            guard case .tooManySteps(_, let applied) = error else { throw error }
            throw DBCtlFailure.usage("\(error) (--steps \(applied.count) reverts them all)")
        }
        let destructive = plan.destructiveStatements
        if !destructive.isEmpty {
            let target = "\(config.database ?? "?") on \(config.host ?? "?")"
            let names = plan.steps.map(\.migration.label).joined(separator: ", ")
            let statements = destructive.map { "\($0.file):\($0.line) \($0.summary)" }
            try Confirmation.require(
                "down would drop or empty tables in \(target) (\(statements.joined(separator: "; ")))",
                details: ["Reverting \(names) drops or empties tables in \(target):"] + statements.map { "  " + $0 },
                database: config.database, force: force, terminal: terminal)
        }
        let reverted = try await migrator.revert(plan)
        if output.json {
            try JSONOutput.print(Report(reverted: reverted.map { .init(version: $0.version, name: $0.name, migration: $0.label) }))
        } else {
            terminal.success("reverted \(reverted.count) migration(s)")
        }
    }
}
