/// What a live query read of one table: every row, or rows that satisfy all of `conditions`.
/// A change that touches no such row (before or after) cannot change what the query read.
///
/// ```swift
/// PGReadTracking.record(.rows(of: "messages", where: [.equals("session_id", sessionID)]))
/// ```
public struct PGTableRead: Sendable {
    /// The table (`name`, or `schema.name` outside `public`), as `PGRowChange.table` names it.
    public let table: String
    /// Conditions every row read satisfies; empty: any row of the table may have been read.
    public let conditions: [PGRowCondition]

    /// Any row of `table`.
    public static func table(_ table: String) -> PGTableRead { PGTableRead(table: table, conditions: []) }

    /// Rows of `table` that satisfy all of `conditions`.
    public static func rows(of table: String, where conditions: [PGRowCondition]) -> PGTableRead {
        PGTableRead(table: table, conditions: conditions)
    }
}

/// A condition on one column of a row, checked against the rows a change carries.
public struct PGRowCondition: Sendable {
    /// The column it reads.
    public let column: String
    let holds: @Sendable (PGRow) -> Bool

    /// The column equals `value`. A row whose value does not decode as `Value` counts as
    /// satisfying it (a live query re-runs rather than misses a change).
    public static func equals<Value: PGDecodable & Equatable & Sendable>(_ column: String, _ value: Value) -> PGRowCondition {
        PGRowCondition(column: column) { row in
            guard let decoded = try? row.decode(Value?.self, column: column) else { return true }
            return decoded == value
        }
    }
}

extension PGRowChange {
    /// Whether this change may alter the rows `read` describes: it touches a row satisfying
    /// the conditions before or after. True whenever the log does not carry what would tell
    /// (an old row's non-key columns under the default replica identity, unrepeated values).
    public func mayAffect(_ read: PGTableRead) -> Bool {
        guard table == read.table else { return false }
        guard !read.conditions.isEmpty else { return true }
        let columns = Set(read.conditions.map(\.column))
        guard columns.isDisjoint(with: unchangedColumns) else { return true }
        func satisfies(_ row: PGRow) -> Bool { read.conditions.allSatisfy { $0.holds(row) } }
        let keyColumns = Set(relation.columns.filter(\.isKey).map(\.name))
        // The old row tells only when it is whole, or the conditions are on its key columns.
        let oldRowTells = relation.replicaIdentity == .full || columns.isSubset(of: keyColumns)
        switch operation {
        case .insert:
            return newRow.map(satisfies) ?? true
        case .update:
            if newRow.map(satisfies) ?? true { return true }
            // No old row: the key did not change, so conditions on the key read as on the new row.
            guard let oldRow else { return !columns.isSubset(of: keyColumns) }
            return oldRowTells ? satisfies(oldRow) : true
        case .delete:
            guard let oldRow, oldRowTells else { return true }
            return satisfies(oldRow)
        }
    }
}
