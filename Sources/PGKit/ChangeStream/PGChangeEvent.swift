import Foundation

/// What a `PGChangeStream` yields, in commit order: each committed transaction as its `begin`,
/// its changes, and its `commit`. Nothing of an uncommitted or rolled-back transaction.
public enum PGChangeEvent: Sendable {
    /// A committed transaction starts.
    case begin(PGTransactionBegin)
    /// A row was inserted, updated or deleted.
    case change(PGRowChange)
    /// Tables were truncated.
    case truncate(PGTruncate)
    /// The transaction ends; acknowledge it (`PGChangeStream.acknowledge`) once its changes are
    /// safely handled.
    case commit(PGTransactionCommit)
    /// The connection was lost and is back: a transaction begun before this event and not
    /// committed will be delivered again, from its `begin`; committed ones not acknowledged may be.
    case reconnected(after: PGError)
}

/// The start of a committed transaction.
public struct PGTransactionBegin: Sendable, Hashable {
    /// The transaction id.
    public var xid: UInt32
    /// Where its commit record is in the log.
    public var commitLSN: PGLSN
    /// When it committed.
    public var commitTime: Date
}

/// The end of a committed transaction.
public struct PGTransactionCommit: Sendable, Hashable {
    /// The transaction id.
    public var xid: UInt32
    /// Where its commit record is.
    public var commitLSN: PGLSN
    /// Where it ends: what acknowledging it confirms (the stream resumes after it).
    public var endLSN: PGLSN
    /// When it committed.
    public var commitTime: Date
}

/// A table as the change stream describes it.
public struct PGRelation: Sendable, Hashable {
    /// How much of a changed row's old version the log keeps (`ALTER TABLE ... REPLICA IDENTITY`).
    public enum ReplicaIdentity: Sendable, Hashable {
        /// The primary key's columns (the default).
        case primaryKey
        /// Nothing: updates and deletes carry no old values.
        case nothing
        /// The whole old row.
        case full
        /// The columns of a chosen unique index.
        case index
    }

    /// One column of the table.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var typeOID: UInt32
        public var typeModifier: Int32
        /// Whether the column is part of the replica identity (the key old rows carry).
        public var isKey: Bool
    }

    /// The table's OID.
    public var oid: UInt32
    public var schema: String
    public var name: String
    public var replicaIdentity: ReplicaIdentity
    public var columns: [Column]

    /// `schema.name`, or `name` in `public`.
    public var qualifiedName: String { schema == "public" ? name : schema + "." + name }
}

/// One changed row.
public struct PGRowChange: Sendable {
    /// What happened to the row.
    public enum Operation: String, Sendable, Hashable {
        case insert, update, delete
    }

    public var operation: Operation
    /// The table.
    public var relation: PGRelation
    /// The row after an insert or update, decodable like a query's rows (generated models too).
    /// Columns in `unchangedColumns` are NULL here; under `REPLICA IDENTITY FULL` the old row's
    /// values fill them, so the row is complete.
    public var newRow: PGRow?
    /// The row before an update or delete: its key columns (the others NULL) or, with
    /// `REPLICA IDENTITY FULL`, all of it; nil on insert, and on update when the key did not change.
    public var oldRow: PGRow?
    /// Columns an update left alone whose values the log does not repeat (large TOASTed values);
    /// always empty under `REPLICA IDENTITY FULL`.
    public var unchangedColumns: [String]
    /// The transaction's id and commit position.
    public var xid: UInt32
    public var commitLSN: PGLSN

    /// The table's name (`schema.name` outside `public`).
    public var table: String { relation.qualifiedName }
}

/// A `TRUNCATE` of one or more published tables.
public struct PGTruncate: Sendable {
    public var relations: [PGRelation]
    public var cascade: Bool
    public var restartIdentity: Bool
    public var xid: UInt32
    public var commitLSN: PGLSN
}
