/// What the server says about a statement without running it (libpq's `PQprepare` and
/// `PQdescribePrepared`): the types it infers for its parameters and the columns it returns,
/// each with the table column it reads, when it reads one directly.
public struct PGStatementDescription: Sendable, Hashable {
    /// A result column as the server describes it.
    public struct Column: Sendable, Hashable {
        /// The column's name (its alias, or what the server chose, such as `?column?`).
        public let name: String
        /// The column's type OID.
        public let typeOID: UInt32
        /// The type modifier (`PQfmod`): a `vector(384)`'s 384, a `varchar(20)`'s 24; -1 when none.
        public let typeModifier: Int32
        /// The OID of the table the column is read from directly, or 0 for an expression.
        public let tableOID: UInt32
        /// The column's number in that table (`pg_attribute.attnum`), or 0.
        public let tableColumn: Int16

        public init(name: String, typeOID: UInt32, typeModifier: Int32, tableOID: UInt32, tableColumn: Int16) {
            self.name = name
            self.typeOID = typeOID
            self.typeModifier = typeModifier
            self.tableOID = tableOID
            self.tableColumn = tableColumn
        }
    }

    /// The type OIDs the server inferred for `$1`, `$2`, ..., in order.
    public let parameterTypes: [UInt32]
    /// The columns the statement returns; empty for one that returns no rows.
    public let columns: [Column]

    public init(parameterTypes: [UInt32], columns: [Column]) {
        self.parameterTypes = parameterTypes
        self.columns = columns
    }
}
