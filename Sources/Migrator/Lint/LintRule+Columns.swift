/// The rules for column changes that rewrite or scan the whole table under an ACCESS
/// EXCLUSIVE lock.
extension LintRule {
    /// `ALTER COLUMN ... TYPE` that is not one of the changes PostgreSQL makes in place.
    static let columnTypeRewrite = LintRule(
        id: "column-type-rewrite",
        summary: "ALTER COLUMN ... TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, "
            + "except for \(ColumnType.changesWithoutRewrite).",
        safeAlternative: "Add a column of the new type, backfill it in batches and keep it in step (a trigger, or the code), move the "
            + "code to it, then drop the old column in a later migration. Changes that do not rewrite: \(ColumnType.changesWithoutRewrite)."
    ) { _, recognized, context in
        guard case .alterTable(let table, let actions) = recognized, !context.isNew(table) else { return [] }
        return actions.compactMap { action in
            guard case .alterColumnType(let column, let type, let typeText, let hasUsing, let line) = action else { return nil }
            let current = context.facts.columnType(table: table, column: column)
            if !hasUsing, let current, let type, current.changeAvoidsRewrite(to: type) { return nil }
            let change = "ALTER COLUMN \(table).\(column) TYPE \(typeText)"
            if hasUsing {
                return Violation(line: line, message: "\(change) with USING computes every row again: it rewrites \(table) under an ACCESS EXCLUSIVE lock")
            }
            guard let current else {
                return Violation(line: line, message: "\(change): dbctl cannot see \(table).\(column)'s current type in the migrations, "
                    + "and every change but \(ColumnType.changesWithoutRewrite) rewrites \(table) under an ACCESS EXCLUSIVE lock")
            }
            return Violation(line: line, message: "\(change) (from \(current)) rewrites \(table) and its indexes under an ACCESS EXCLUSIVE lock")
        }
    }

    /// `SET NOT NULL` with no validated `CHECK (column IS NOT NULL)` before it.
    static let setNotNull = LintRule(
        id: "set-not-null",
        summary: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, unless a validated CHECK (column IS NOT NULL) proves it.",
        safeAlternative: "ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in a later migration; then SET NOT NULL "
            + "(PostgreSQL 12+ uses the validated check and skips the scan) and drop the check."
    ) { _, recognized, context in
        guard case .alterTable(let table, let actions) = recognized, !context.isNew(table) else { return [] }
        return actions.compactMap { action in
            guard case .setNotNull(let column, let line) = action,
                  !context.facts.hasValidatedNotNullCheck(table: table, column: column) else { return nil }
            let check = "\(table)_\(column)_not_null"
            return Violation(
                line: line,
                message: "SET NOT NULL on \(table).\(column) scans all of \(table) under an ACCESS EXCLUSIVE lock: no validated "
                    + "CHECK (\(column) IS NOT NULL) comes before it",
                instead: "ALTER TABLE \(table) ADD CONSTRAINT \(check) CHECK (\(column) IS NOT NULL) NOT VALID; then, in a later migration, "
                    + "ALTER TABLE \(table) VALIDATE CONSTRAINT \(check); then ALTER TABLE \(table) ALTER COLUMN \(column) SET NOT NULL, "
                    + "DROP CONSTRAINT \(check) (PostgreSQL 12+ skips the scan when the validated check proves it).")
        }
    }

    /// `ADD COLUMN` whose rows all get a value computed per row: a volatile default, a serial,
    /// an identity or a stored generated column.
    static let volatileDefault = LintRule(
        id: "volatile-default",
        summary: "ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(): serial, identity), "
            + "or a stored generated column, rewrites the table under an ACCESS EXCLUSIVE lock; a non-volatile default "
            + "(a constant, now()) does not, since PostgreSQL 11.",
        safeAlternative: "Add the column without the default (or with a constant), then ALTER COLUMN ... SET DEFAULT (new rows only), "
            + "and backfill the existing rows in batches."
    ) { statement, recognized, context in
        guard case .alterTable(let table, let actions) = recognized, !context.isNew(table) else { return [] }
        return actions.compactMap { action in
            guard case .addColumn(let column) = action else { return nil }
            let adding = "ADD COLUMN \(table).\(column.name)"
            if let type = column.type, ["serial", "bigserial", "smallserial"].contains(type.name) {
                return Violation(line: column.line, message: "\(adding) \(type.name) fills every row from a sequence: it rewrites \(table) under an ACCESS EXCLUSIVE lock")
            }
            if let generates = column.generatesValues {
                return Violation(line: column.line, message: "\(adding) as \(generates) computes a value for every row: it rewrites \(table) under an ACCESS EXCLUSIVE lock")
            }
            guard let expression = column.defaultExpression,
                  let (function, volatility) = firstNonStableCall(in: statement, expression, facts: context.facts) else { return nil }
            let why = volatility == nil
                ? "calls \(function)(), which dbctl cannot tell is not volatile (functions are VOLATILE unless created otherwise)"
                : "calls \(function)(), which is volatile"
            return Violation(line: column.line, message: "\(adding) DEFAULT \(statement.text(expression)) \(why): every row gets its own value, "
                + "so it rewrites \(table) under an ACCESS EXCLUSIVE lock")
        }
    }

    /// The first function `range` calls that is volatile (or of unknown volatility: nil).
    private static func firstNonStableCall(in statement: LintStatement, _ range: Range<Int>,
                                           facts: SchemaFacts) -> (name: String, volatility: FunctionVolatility?)? {
        for index in range where statement.isSymbol(index + 1, "(") {
            guard let name = statement.identifier(index) else { continue }
            // `'1'::numeric(10,2)` and `CAST(x AS varchar(20))` name types, not functions.
            if statement.isSymbol(index - 1, ":") || statement.isWord(index - 1, "as") { continue }
            let volatility = facts.volatility(of: name)
            if volatility == .volatile || volatility == nil { return (name, volatility) }
        }
        return nil
    }
}
