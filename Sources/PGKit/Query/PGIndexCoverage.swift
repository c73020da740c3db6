/// Which b-tree indexes a table has, and whether one serves a keyset order: its columns start
/// with the columns a filter fixes to one value (in any order), then the sort column, then the
/// key columns, all in the same direction (or it is a unique index ending at the sort column).
/// Without one, each page of that order reads and sorts every matching row.
///
/// ```swift
/// let indexes = try await PGIndexCoverage.indexes(of: "messages", on: conn)
/// let seeks = indexes.contains { $0.serves(equality: ["session_id"], sort: "created_at", key: ["id"]) }
/// ```
public enum PGIndexCoverage {
    /// One plain (not partial, not expression) b-tree index.
    public struct Index: Sendable, Hashable {
        public let columns: [String]
        /// Whether each column is stored descending.
        public let descending: [Bool]
        public let unique: Bool

        public init(columns: [String], descending: [Bool], unique: Bool) {
            self.columns = columns
            self.descending = descending
            self.unique = unique
        }

        /// Whether a scan of this index returns rows in (sort, key...) order, in either direction,
        /// among rows whose `equality` columns are fixed.
        public func serves(equality: Set<String>, sort: String, key: [String]) -> Bool {
            let start = equality.count
            guard Set(columns.prefix(start)) == equality, columns.count > start, columns[start] == sort else { return false }
            if unique, columns.count == start + 1 { return true }
            if key == [sort] { return true }
            let tail = Array(columns.dropFirst(start + 1).prefix(key.count))
            guard tail == key else { return false }
            let directions = descending[start...(start + key.count)]
            return directions.allSatisfy { $0 == directions.first }
        }
    }

    /// The table's plain b-tree indexes, from the catalog.
    public static func indexes(of table: String, on executor: any PGQueryable) async throws -> [Index] {
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
