/// A table as `pg_catalog` describes it: what the generator turns into Swift.
public struct TableSchema: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public let name: String
        /// `pg_type.typname`, such as `uuid`, `timestamptz`, `vector`, `_text`.
        public let typeName: String
        /// `format_type()`, such as `vector(384)` or `character varying(20)`, for comments.
        public let formattedType: String
        public let isNullable: Bool
        public let hasDefault: Bool
        /// Generated (`GENERATED ALWAYS AS`) or identity columns: never written by callers.
        public let isGenerated: Bool
        /// The dimension of a `vector(n)` column.
        public let vectorDimensions: Int?
    }

    public let name: String
    public let columns: [Column]
    public let primaryKey: [String]
}
