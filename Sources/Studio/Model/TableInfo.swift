import PGKit

/// A table or view as the studio shows it: columns, key, relations and size.
public struct TableInfo: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public let name: String
        /// `format_type()`, such as `uuid`, `timestamp with time zone`, `vector(384)`.
        public let type: String
        public let isNullable: Bool
    }

    /// A foreign key from `columns` of one table to `referencedColumns` of `referencedTable`.
    public struct ForeignKey: Sendable, Equatable {
        public let table: String
        public let columns: [String]
        public let referencedTable: String
        public let referencedColumns: [String]
    }

    public let name: String
    public let isView: Bool
    public let columns: [Column]
    public let primaryKey: [String]
    public var rowCount: Int
    /// Whether `rowCount` is exact (small tables) or the planner's estimate (big ones).
    public var rowCountIsExact: Bool
    public let foreignKeys: [ForeignKey]
    /// Foreign keys of other tables that point at this one.
    public let referencedBy: [ForeignKey]
    /// The table's plain b-tree indexes, which decide how a sorted view pages.
    public var indexes: [PGIndexCoverage.Index] = []

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// Whether pages sorted by `column` can seek (keyset pages on the column and the key):
    /// an index on (column, key...) serves the order. Otherwise they page by offset, each page
    /// reading every row before it.
    public func seeksWhenSorted(by column: String) -> Bool {
        !primaryKey.isEmpty && indexes.contains { $0.serves(equality: [], sort: column, key: primaryKey) }
    }
}
