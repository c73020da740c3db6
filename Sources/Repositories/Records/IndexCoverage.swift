import Foundation
import Logging
import PGKit
import Synchronization

/// Whether an index serves a keyset page: a plain b-tree index whose columns start with the
/// filter's equality columns (in any order), then the sort column and the primary key in the
/// same direction (or a unique index ending at the sort column). Asked once per table and
/// order per process; an order no index serves is logged as a warning, since each of its pages
/// reads and sorts every matching row.
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
        guard let indexes = try? await Self.indexes(of: table, executor: executor) else { return }
        let covered = indexes.contains { Self.serves($0, equality: equalityColumns, sort: sortColumn, key: primaryKey) }
        let first = answers.withLock { answers in
            defer { answers[question] = covered }
            return answers[question] == nil
        }
        if !covered, first {
            let columns = (equalityColumns.sorted() + [sortColumn, primaryKey]).joined(separator: ", ")
            logger.warning("no index serves pages of \(table) ordered by \(sortColumn): each page reads and sorts every matching row; create one on (\(columns))")
        }
    }

    /// One index: its columns in order, whether each is descending, and whether it is unique.
    struct Index {
        let columns: [String]
        let descending: [Bool]
        let unique: Bool
    }

    static func serves(_ index: Index, equality: Set<String>, sort: String, key: String) -> Bool {
        let prefix = index.columns.prefix(equality.count)
        guard Set(prefix) == equality, index.columns.count > equality.count, index.columns[equality.count] == sort else { return false }
        let sortPosition = equality.count
        if index.unique, index.columns.count == sortPosition + 1 { return true }
        guard index.columns.count > sortPosition + 1, index.columns[sortPosition + 1] == key else { return sort == key }
        return index.descending[sortPosition] == index.descending[sortPosition + 1]
    }

    static func indexes(of table: String, executor: any PGQueryable) async throws -> [Index] {
        let rows = try await executor.query("""
            SELECT array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n),
                   array(SELECT (o & 1) = 1 FROM unnest(i.indoption::int2[]) AS o),
                   i.indisunique
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
            WHERE i.indrelid = to_regclass(\(PGQuery.quoteIdentifier(table))) AND am.amname = 'btree'
              AND i.indpred IS NULL AND i.indexprs IS NULL
            """)
        return try rows.map { row in
            let (columns, descending, unique) = try row.decode(([String], [Bool], Bool).self)
            return Index(columns: columns, descending: descending, unique: unique)
        }
    }
}
