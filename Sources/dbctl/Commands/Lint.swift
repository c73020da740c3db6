import ArgumentParser
import Foundation
import Migrator

/// `dbctl lint`: the migrations checked for operations that lock or rewrite a busy table.
struct Lint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check migrations for operations that lock or rewrite busy tables, with the safe way for each.",
        discussion: """
            By default checks the pending migrations of the configured database; name migrations (or --all) to check \
            them without one. `migrate` and `deploy` run the same checks first, as warnings (errors with their --strict). \
            A finding names the file, line and rule; `-- dbctl:lint-ignore RULE reason` on the line before the statement silences it (the reason is \
            required). --list-rules shows the rules. Exit code 0 without --strict; with --strict, 1 when anything is \
            found; 2 for bad usage.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("Migrations to check: up file names or paths (0004_add_tags.up.sql), or versions (4). "
                                 + "Default: the pending ones.", valueName: "migration"))
    var migrations: [String] = []

    @Flag(help: "Check every migration in the directory (needs no database).")
    var all = false

    @Flag(help: "Exit 1 when anything is found (for CI).")
    var strict = false

    @Flag(help: "List the rules, what each catches and the safe way, then exit.")
    var listRules = false

    func validate() throws {
        if all && !migrations.isEmpty { throw ValidationError("give --all or migrations to check, not both") }
    }

    struct Report: Encodable {
        let checked: [String]
        let findings: [LintFinding]
    }

    func run() async throws {
        if listRules { return printRules() }
        let (loaded, targets) = try await migrationsToCheck()
        let findings = MigrationLintCheck.linter(for: try database.project()).lint(loaded, targets: targets)
        let checked = loaded.filter { targets.contains($0.version) }.map(\.upFileName)
        if output.json {
            try JSONOutput.print(Report(checked: checked, findings: findings))
        } else {
            MigrationLintCheck.print(findings, strict: strict, on: .standardOutput)
            let migrations = checked.count == 1 ? "1 migration" : "\(checked.count) migrations"
            if checked.isEmpty {
                Terminal.standardError.success("no pending migrations to check")
            } else if findings.isEmpty {
                Terminal.standardError.success("no lint findings in \(migrations)")
            } else {
                Terminal.standardError.note("\(MigrationLintCheck.count(findings)) in \(migrations)" + (strict ? "" : " (--strict makes them errors)"))
            }
        }
        if strict, !findings.isEmpty { throw ExitCode(1) }
    }

    /// Every migration, and the versions to check: those named, all, or the database's pending ones.
    private func migrationsToCheck() async throws -> (all: [Migration], targets: Set<Int64>) {
        let directory = MigrationDirectory(path: try database.migrationsPath)
        guard all || !migrations.isEmpty else { return try await pending(in: directory) }
        let loaded = try directory.load()
        if all { return (loaded, Set(loaded.map(\.version))) }
        let named = try migrations.map { given in
            let file = URL(fileURLWithPath: given).lastPathComponent
            guard let found = loaded.first(where: { $0.upFileName == file || Int64(given) == $0.version }) else {
                throw ValidationError("no migration \(given) in \(try database.migrationsPath)")
            }
            return found.version
        }
        return (loaded, Set(named))
    }

    private func pending(in directory: MigrationDirectory) async throws -> (all: [Migration], targets: Set<Int64>) {
        do {
            let config = try await database.resolve(.standardError, fallback: .none(command: "lint"))
            let plan = try await Migrator(config: config, directory: directory).plan()
            return (plan.entries.compactMap(\.migration), Set(plan.pending.map(\.version)))
        } catch let failure as DBCtlFailure {
            throw DBCtlFailure(message: failure.message + "; or check migrations without a database: dbctl lint --all, or dbctl lint FILE...")
        }
    }

    private func printRules() {
        let terminal = Terminal.standardOutput
        for rule in LintRule.all {
            terminal.line(.colored(rule.id, 1))
            terminal.line("  \(rule.summary)\n  instead: \(rule.safeAlternative)")
        }
    }
}
