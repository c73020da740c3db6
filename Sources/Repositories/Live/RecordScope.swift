import Foundation
import PGKit

/// Which rows of one table a subscriber owns, and what a change to that table means to it: the
/// same ownership rules as the row-level security policies (migrations/0002), applied to the
/// change feed, which bypasses them.
struct RecordScope<Record: TableRecord>: Sendable {
    /// Whether a row (as the log carries it: whole, under REPLICA IDENTITY FULL) is the subscriber's.
    let owns: @Sendable (PGRow) -> Bool

    /// Rows whose `column` (a uuid) is `value`.
    static func owned(by column: String, _ value: UUID?) -> RecordScope {
        RecordScope { row in
            guard let owner = try? row.decode(UUID?.self, column: column) else { return false }
            return owner == value
        }
    }

    /// Whether the change touches a row of the subscriber's, before or after.
    func concerns(_ change: PGRowChange) -> Bool {
        change.newRow.map(owns) == true || change.oldRow.map(owns) == true
    }

    /// The change as the subscriber sees it: a row coming into its scope is inserted, one
    /// leaving it deleted (as it was, when it was theirs); nil when neither row is theirs.
    func event(for change: PGRowChange) throws -> RecordChange<Record>? {
        let newIsOwned = change.newRow.map(owns) ?? false
        let oldIsOwned = change.oldRow.map(owns) ?? (change.operation == .update && newIsOwned)
        switch change.operation {
        case .insert where newIsOwned:
            return .inserted(try Self.decode(change.newRow!, change))
        case .update where newIsOwned:
            let record = try Self.decode(change.newRow!, change)
            return oldIsOwned ? .updated(record) : .inserted(record)
        case .update where oldIsOwned, .delete where oldIsOwned:
            return .deleted(try Self.decode(change.oldRow!, change))
        default:
            return nil
        }
    }

    /// The generated model from a row of the log, whose columns must be the model's.
    static func decode(_ row: PGRow, _ change: PGRowChange) throws -> Record {
        guard change.relation.columns.map(\.name) == Record.columnNames else {
            throw PGError(.decodingFailed, "the change feed's \(change.table) has columns \(change.relation.columns.map(\.name)), "
                + "the generated model \(Record.self) reads \(Record.columnNames) (regenerate the models)")
        }
        return try Record(row: row)
    }
}
