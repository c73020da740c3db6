import ArgumentParser
import Foundation
import Migrator

/// `dbctl status`: each migration as applied, pending, changed or missing.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which migrations are applied, pending, changed, renamed or missing.",
        discussion: "Exit code 1 when anything is not applied as it is on disk, so CI can gate on it.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        struct Item: Encodable {
            let version: Int64
            let name: String
            /// `0003_add_tags`, as every dbctl line names it.
            let migration: String
            let status: String
            let appliedAt: Date?
            /// The name the history records, when it differs from the file's (status `renamed`).
            let appliedName: String?
            /// What the status means for it, when it is not plainly applied or pending.
            let explanation: String?
        }
        let migrations: [Item]
        let upToDate: Bool
    }

    func run() async throws {
        let terminal = Terminal.standardOutput
        let config = try await database.resolve(.standardError, fallback: .none(command: "status"))
        let plan = try await Migrator(config: config, directory: MigrationDirectory(path: try database.migrationsPath)).plan()
        if output.json {
            try JSONOutput.print(Report(
                migrations: plan.entries.map { entry in
                    .init(version: entry.version, name: entry.name, migration: entry.label, status: entry.status.rawValue,
                          appliedAt: entry.appliedAt, appliedName: entry.status == .renamed ? entry.appliedName : nil,
                          explanation: entry.status.isDrift ? entry.explanation : nil)
                },
                upToDate: plan.isUpToDate))
        } else if plan.entries.isEmpty {
            terminal.line("No migrations in \(try database.migrationsPath)/.")
        } else {
            let formatter = ISO8601DateFormatter()
            for entry in plan.entries {
                let status = String(entry.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))
                let color = entry.status == .applied ? 32 : (entry.status == .pending ? 33 : 31)
                let applied = entry.appliedAt.map { "  applied \(formatter.string(from: $0))" } ?? ""
                terminal.line(.colored(status, color), .plain(" \(entry.label)\(applied)"))
                if entry.status.isDrift { terminal.line(.plain("             \(entry.explanation)")) }
            }
            let counts = Dictionary(grouping: plan.entries, by: \.status).mapValues(\.count)
            terminal.line(counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
        }
        if !plan.isUpToDate { throw ExitCode(1) }
    }
}
