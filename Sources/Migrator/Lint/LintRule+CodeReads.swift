/// The rules for renames and drops that break the code that is running.
extension LintRule {
    /// `RENAME COLUMN` or `RENAME TO` of something the code reads.
    static let renameReadByCode = LintRule(
        id: "rename-read-by-code",
        summary: "Renaming a column or table that the current code (its models) reads breaks every query of the running app at once.",
        safeAlternative: "Expand and contract: add the new column (or table), write both and backfill, move the reads and release that "
            + "code, then drop the old one in a later migration. A table can be renamed behind a view with its old name "
            + "(CREATE VIEW old AS SELECT * FROM new) until nothing reads the old name."
    ) { _, recognized, context in
        guard case .alterTable(let table, let actions) = recognized, !context.isNew(table), let read = context.codeReads.tables[table] else { return [] }
        return actions.compactMap { action in
            switch action {
            case .renameColumn(let from, let to, let line) where read.columns.contains(from):
                return Violation(line: line, message: "RENAME COLUMN \(table).\(from) TO \(to): \(table).\(from) is read by \(read.readBy)")
            case .renameTable(let to, let line):
                return Violation(line: line, message: "RENAME TABLE \(table) TO \(to): \(table) is read by \(read.readBy)")
            default:
                return nil
            }
        }
    }

    /// `DROP COLUMN` or `DROP TABLE` of something the code reads.
    static let dropReadByCode = LintRule(
        id: "drop-read-by-code",
        summary: "Dropping a column or table that the current code (its models) reads breaks every query of the running app that reads it.",
        safeAlternative: "Release code that no longer reads it first, then drop it in a later migration: the models read every column "
            + "they list, so regenerate them (dbctl generate) against a schema without it only once no running code needs it."
    ) { statement, recognized, context in
        switch recognized {
        case .alterTable(let table, let actions):
            guard !context.isNew(table), let read = context.codeReads.tables[table] else { return [] }
            return actions.compactMap { action in
                guard case .dropColumn(let column, let line) = action, read.columns.contains(column) else { return nil }
                return Violation(line: line, message: "DROP COLUMN \(table).\(column): it is read by \(read.readBy)")
            }
        case .dropTables(let names):
            return names.compactMap { name in
                guard !context.isNew(name), let read = context.codeReads.tables[name] else { return nil }
                return Violation(line: statement.line, message: "DROP TABLE \(name): it is read by \(read.readBy)")
            }
        default:
            return []
        }
    }
}
