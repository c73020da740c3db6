import Foundation
import LocalPostgres
import Migrator
import Repositories

/// The migration lint as dbctl's commands run it: what the project's code reads (its models'
/// files, and in an app the chat repositories), the findings printed as warnings, or as errors
/// that stop the command in strict mode.
enum MigrationLintCheck {
    /// A linter that knows what `project`'s code reads.
    static func linter(for project: PGKitProject) -> MigrationLinter {
        var reads = CodeReadSchema()
        let models = ProjectModels(project: project)
        let folder = models.directory.path.hasPrefix(project.root.path + "/")
            ? String(models.directory.path.dropFirst(project.root.path.count + 1)) : models.directory.path
        for model in ModelFileColumns.read(models.directory) {
            reads.add(table: model.table, columns: model.columns, readBy: "\(folder)/\(model.file)")
        }
        if models.isApp {
            for (table, columns) in ChatSchema.readColumns { reads.add(table: table, columns: columns, readBy: "the chat repositories") }
        }
        return MigrationLinter(codeReads: reads)
    }

    /// Lints `plan`'s pending migrations, prints the findings on `terminal` and, in `strict`
    /// mode, fails (nothing applied) when there are any. Returns them.
    @discardableResult
    static func checkPending(_ plan: MigrationPlan, project: PGKitProject, strict: Bool, terminal: Terminal) throws -> [LintFinding] {
        let pending = Set(plan.pending.map(\.version))
        guard !pending.isEmpty else { return [] }
        let findings = linter(for: project).lint(plan.entries.compactMap(\.migration), targets: pending)
        print(findings, strict: strict, on: terminal)
        if strict, !findings.isEmpty {
            throw DBCtlFailure(message: "\(count(findings)) in the pending migrations (--strict); nothing was applied")
        }
        return findings
    }

    /// Each finding as `file:line: [rule] message` and an `instead:` line, as a warning (an
    /// error in strict mode), then how to silence one.
    static func print(_ findings: [LintFinding], strict: Bool, on terminal: Terminal) {
        guard !findings.isEmpty else { return }
        for finding in findings {
            let text = "\(finding.file):\(finding.line): [\(finding.rule)] \(finding.message)"
            if strict { terminal.error(text) } else { terminal.warning(text) }
            terminal.line("  instead: \(finding.instead)")
        }
        terminal.note("Silence a finding that is safe here with -- dbctl:lint-ignore RULE reason, on the line before the statement.")
    }

    static func count(_ findings: [LintFinding]) -> String {
        findings.count == 1 ? "1 lint finding" : "\(findings.count) lint findings"
    }
}
