import Foundation
import Logging
import PGKit
import Synchronization

/// Whether an index serves the keyset pages `RecordStore.list` makes (see `PGIndexCoverage`),
/// asked once per table and order per process; an order no index serves is logged as a
/// warning, since each of its pages reads and sorts every matching row.
final class IndexCoverage: Sendable {
    static let shared = IndexCoverage()

    private struct Question: Hashable {
        let table: String
        let equalityColumns: Set<String>
        let sortColumn: String
    }

    private let answers = Mutex<[Question: Bool]>([:])
    private let logger = Logger(label: "pgkit.repositories")

    func check(table: String, equalityColumns: Set<String>, sortColumn: String, primaryKey: String, executor: any PGQueryable) async {
        let question = Question(table: table, equalityColumns: equalityColumns, sortColumn: sortColumn)
        if answers.withLock({ $0[question] }) != nil { return }
        guard let indexes = try? await PGIndexCoverage.indexes(of: table, on: executor) else { return }
        let covered = indexes.contains { $0.serves(equality: equalityColumns, sort: sortColumn, key: [primaryKey]) }
        let first = answers.withLock { answers in
            defer { answers[question] = covered }
            return answers[question] == nil
        }
        if !covered, first {
            let columns = (equalityColumns.sorted() + [sortColumn, primaryKey]).joined(separator: ", ")
            logger.warning("no index serves pages of \(table) ordered by \(sortColumn): each page reads and sorts every matching row; create one on (\(columns))")
        }
    }
}
