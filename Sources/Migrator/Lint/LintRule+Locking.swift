/// The rules for statements that hold a strong lock for as long as they work: index builds
/// and whole-table rewrites.
extension LintRule {
    /// `CREATE INDEX` without `CONCURRENTLY` on a table this file did not create.
    static let indexNotConcurrent = LintRule(
        id: "index-not-concurrent",
        summary: "CREATE INDEX without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built.",
        safeAlternative: "CREATE INDEX CONCURRENTLY in a migration whose first line is -- dbctl:no-transaction "
            + "(with IF NOT EXISTS; a build that fails leaves an INVALID index to drop before retrying)."
    ) { statement, recognized, context in
        guard case .createIndex(let table, false) = recognized, !context.isNew(table) else { return [] }
        return [Violation(line: statement.line, message: "CREATE INDEX on \(table) without CONCURRENTLY blocks every write to \(table) while the index builds")]
    }

    /// `CONCURRENTLY` in a migration that runs in a transaction: PostgreSQL refuses it.
    static let concurrentlyInTransaction = LintRule(
        id: "concurrently-in-transaction",
        summary: "CREATE INDEX CONCURRENTLY (and DROP INDEX, REINDEX, DETACH PARTITION ... CONCURRENTLY) cannot run in a transaction.",
        safeAlternative: "Make the file's first line -- dbctl:no-transaction, and keep statements that should be atomic in another migration."
    ) { statement, _, context in
        guard !context.runsOutsideTransaction,
              ConcurrentStatement.runsConcurrently(words: statement.tokens.compactMap { if case .word(let word) = $0.kind { word } else { nil } })
        else { return [] }
        return [Violation(line: statement.line, message: "this statement runs CONCURRENTLY, which cannot happen inside a transaction block, "
            + "and this migration runs in one: PostgreSQL will refuse it")]
    }

    /// `VACUUM FULL` and `CLUSTER`.
    static let vacuumFullOrCluster = LintRule(
        id: "vacuum-full-or-cluster",
        summary: "VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock: no reads or writes until they finish.",
        safeAlternative: "Rebuild online with pg_repack (or pg_squeeze); REINDEX CONCURRENTLY for a bloated index; a plain VACUUM "
            + "(or autovacuum) makes dead rows' space reusable without locking out the app."
    ) { statement, recognized, _ in
        guard case .rewritesTables(let command) = recognized else { return [] }
        return [Violation(line: statement.line, message: "\(command) rewrites its tables under an ACCESS EXCLUSIVE lock: the app can neither read nor write them until it ends")]
    }
}
