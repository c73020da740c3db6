/// The tables and columns the app's current code reads: its generated models' `tableName` and
/// `columnNames`, and the chat repositories' (``CodeReadSchema`` is filled by dbctl from the
/// project's models directory and PGKit's compiled-in chat schema).
public struct CodeReadSchema: Sendable, Equatable {
    public struct Table: Sendable, Equatable {
        public var columns: Set<String>
        /// Who reads it, for messages: `Sources/App/Generated/Tag.swift`, `the chat repositories`.
        public var readBy: String
    }

    public private(set) var tables: [String: Table] = [:]

    public init() {}

    /// Records that `readBy` reads `columns` of `table`.
    public mutating func add(table: String, columns: some Sequence<String>, readBy: String) {
        if tables[table] == nil {
            tables[table] = Table(columns: Set(columns), readBy: readBy)
        } else {
            tables[table]!.columns.formUnion(columns)
        }
    }
}
