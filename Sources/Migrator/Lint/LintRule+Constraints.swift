/// The rule for constraints that check every existing row while holding a lock.
extension LintRule {
    /// A `FOREIGN KEY` or `CHECK` added without `NOT VALID`, inline on a new column, or
    /// validated in the same transaction that added it.
    static let constraintNotValid = LintRule(
        id: "constraint-not-valid",
        summary: "Adding a FOREIGN KEY or CHECK without NOT VALID checks every row while holding its lock "
            + "(ACCESS EXCLUSIVE for a CHECK; SHARE ROW EXCLUSIVE on both tables for a foreign key).",
        safeAlternative: "ADD CONSTRAINT ... NOT VALID (only new rows are checked; the lock is brief), then VALIDATE CONSTRAINT "
            + "in a later migration (it scans without blocking reads or writes)."
    ) { _, recognized, context in
        guard case .alterTable(let table, let actions) = recognized, !context.isNew(table) else { return [] }
        return actions.compactMap { action in
            switch action {
            case .addConstraint(let constraint):
                let what: String
                switch constraint.kind {
                case .check: what = "CHECK"
                case .foreignKey: what = "FOREIGN KEY"
                case .other: return nil
                }
                guard !constraint.notValid else { return nil }
                let name = constraint.name.map { " \($0)" } ?? ""
                let lock = constraint.kind == .foreignKey
                    ? "a SHARE ROW EXCLUSIVE lock on \(table) and the table it references: writes to both wait"
                    : "an ACCESS EXCLUSIVE lock on \(table): reads and writes wait"
                return Violation(line: constraint.line, message: "ADD CONSTRAINT\(name) \(what) without NOT VALID checks every row of \(table) while holding \(lock)")
            case .addColumn(let column) where column.hasReferences || column.hasCheck:
                let what = column.hasReferences ? "REFERENCES" : "CHECK"
                return Violation(
                    line: column.line,
                    message: "ADD COLUMN \(table).\(column.name) with an inline \(what) checks every row of \(table) while holding its lock "
                        + "(an inline constraint cannot be NOT VALID)",
                    instead: "Add the column without the constraint; then ALTER TABLE \(table) ADD CONSTRAINT ... \(column.hasReferences ? "FOREIGN KEY" : "CHECK") "
                        + "... NOT VALID; then VALIDATE CONSTRAINT in a later migration.")
            case .validateConstraint(let name, let line)
                where !context.runsOutsideTransaction && context.facts.constraintsAddedNotValidInFile.contains("\(table).\(name)"):
                return Violation(
                    line: line,
                    message: "VALIDATE CONSTRAINT \(name) runs in the transaction that added it, so its scan of \(table) happens while "
                        + "the ADD's lock is still held",
                    instead: "Move VALIDATE CONSTRAINT \(name) to a later migration, so the ADD commits (and releases its lock) first.")
            default:
                return nil
            }
        }
    }
}
