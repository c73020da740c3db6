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

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }
}
