import Foundation

/// Turns `pgoutput` messages (protocol version 1) into `PGChangeEvent`s, remembering the tables
/// the server described (Relation messages come before a table's first change on each
/// connection, and again after its schema changes).
///
/// The format is PostgreSQL's "Logical Replication Message Formats": Begin, Commit, Relation,
/// Insert, Update, Delete, Truncate; Origin and Type messages are read and skipped.
struct PgOutputDecoder {
    private(set) var relations: [UInt32: PGRelation] = [:]
    /// The transaction being decoded: its id and commit position.
    private(set) var transaction: (xid: UInt32, commitLSN: PGLSN)?
    let context: PGDecodingContext

    init(context: PGDecodingContext) {
        self.context = context
    }

    /// The event `message` carries, or nil for messages that only describe (Relation, Type, Origin).
    mutating func decode(_ message: UnsafeRawBufferPointer) throws(PGError) -> PGChangeEvent? {
        var buffer = PGReadBuffer(message)
        let tag = try buffer.readInteger(as: UInt8.self)
        switch tag {
        case UInt8(ascii: "B"):
            let commitLSN = PGLSN(try buffer.readInteger(as: UInt64.self))
            let time = Self.date(try buffer.readInteger(as: Int64.self))
            let xid = try buffer.readInteger(as: UInt32.self)
            transaction = (xid, commitLSN)
            return .begin(PGTransactionBegin(xid: xid, commitLSN: commitLSN, commitTime: time))
        case UInt8(ascii: "C"):
            _ = try buffer.readInteger(as: UInt8.self)  // flags, unused
            let commitLSN = PGLSN(try buffer.readInteger(as: UInt64.self))
            let endLSN = PGLSN(try buffer.readInteger(as: UInt64.self))
            let time = Self.date(try buffer.readInteger(as: Int64.self))
            let xid = transaction?.xid ?? 0
            transaction = nil
            return .commit(PGTransactionCommit(xid: xid, commitLSN: commitLSN, endLSN: endLSN, commitTime: time))
        case UInt8(ascii: "R"):
            let relation = try Self.readRelation(&buffer)
            relations[relation.oid] = relation
            return nil
        case UInt8(ascii: "I"):
            let relation = try self.relation(try buffer.readInteger(as: UInt32.self))
            try Self.expect(&buffer, "N")
            let new = try Self.readTuple(&buffer)
            return .change(try change(.insert, relation, new: new, old: nil))
        case UInt8(ascii: "U"):
            let relation = try self.relation(try buffer.readInteger(as: UInt32.self))
            var kind = try buffer.readInteger(as: UInt8.self)
            var old: [TupleValue]?
            if kind == UInt8(ascii: "K") || kind == UInt8(ascii: "O") {
                old = try Self.readTuple(&buffer)
                kind = try buffer.readInteger(as: UInt8.self)
            }
            guard kind == UInt8(ascii: "N") else { throw Self.malformed("an update without its new row") }
            let new = try Self.readTuple(&buffer)
            return .change(try change(.update, relation, new: new, old: old))
        case UInt8(ascii: "D"):
            let relation = try self.relation(try buffer.readInteger(as: UInt32.self))
            let kind = try buffer.readInteger(as: UInt8.self)
            guard kind == UInt8(ascii: "K") || kind == UInt8(ascii: "O") else { throw Self.malformed("a delete without its old row") }
            let old = try Self.readTuple(&buffer)
            return .change(try change(.delete, relation, new: nil, old: old))
        case UInt8(ascii: "T"):
            let count = try buffer.readInteger(as: UInt32.self)
            let options = try buffer.readInteger(as: UInt8.self)
            var truncated: [PGRelation] = []
            for _ in 0..<count { truncated.append(try relation(try buffer.readInteger(as: UInt32.self))) }
            return .truncate(PGTruncate(relations: truncated, cascade: options & 1 != 0, restartIdentity: options & 2 != 0,
                                        xid: transaction?.xid ?? 0, commitLSN: transaction?.commitLSN ?? .zero))
        case UInt8(ascii: "O"), UInt8(ascii: "Y"), UInt8(ascii: "M"):
            return nil
        default:
            throw Self.malformed("an unknown message \(Character(UnicodeScalar(tag)))")
        }
    }

    /// One value of a row as the log carries it.
    enum TupleValue {
        case null
        /// Not repeated: a TOASTed value the update did not change.
        case unchanged
        case text(UnsafeRawBufferPointer)
        case binary(UnsafeRawBufferPointer)
    }

    private func relation(_ oid: UInt32) throws(PGError) -> PGRelation {
        guard let relation = relations[oid] else { throw Self.malformed("a change to table \(oid) before its description") }
        return relation
    }

    private func change(_ operation: PGRowChange.Operation, _ relation: PGRelation, new: [TupleValue]?, old: [TupleValue]?) throws(PGError) -> PGRowChange {
        var new = new
        if relation.replicaIdentity == .full, let old, var values = new {
            // The whole old row is logged (TOASTed values inlined): what an update left alone
            // and the log does not repeat is the old row's value.
            for index in values.indices where index < old.count {
                if case .unchanged = values[index] { values[index] = old[index] }
            }
            new = values
        }
        let unchanged = new.map { values in
            zip(relation.columns, values).compactMap { column, value -> String? in
                if case .unchanged = value { return column.name }
                return nil
            }
        } ?? []
        return PGRowChange(
            operation: operation, relation: relation,
            newRow: try new.map { values throws(PGError) in try PGRow.fromLog(values, relation: relation, context: context) },
            oldRow: try old.map { values throws(PGError) in try PGRow.fromLog(values, relation: relation, context: context) },
            unchangedColumns: unchanged, xid: transaction?.xid ?? 0, commitLSN: transaction?.commitLSN ?? .zero)
    }

    private static func readRelation(_ buffer: inout PGReadBuffer) throws(PGError) -> PGRelation {
        let oid = try buffer.readInteger(as: UInt32.self)
        let schema = try readString(&buffer)
        let name = try readString(&buffer)
        let identity: PGRelation.ReplicaIdentity
        switch try buffer.readInteger(as: UInt8.self) {
        case UInt8(ascii: "n"): identity = .nothing
        case UInt8(ascii: "f"): identity = .full
        case UInt8(ascii: "i"): identity = .index
        default: identity = .primaryKey
        }
        let count = try buffer.readInteger(as: UInt16.self)
        var columns: [PGRelation.Column] = []
        for _ in 0..<count {
            let flags = try buffer.readInteger(as: UInt8.self)
            let columnName = try readString(&buffer)
            let type = try buffer.readInteger(as: UInt32.self)
            let modifier = try buffer.readInteger(as: Int32.self)
            columns.append(PGRelation.Column(name: columnName, typeOID: type, typeModifier: modifier, isKey: flags & 1 != 0))
        }
        return PGRelation(oid: oid, schema: schema.isEmpty ? "pg_catalog" : schema, name: name, replicaIdentity: identity, columns: columns)
    }

    private static func readTuple(_ buffer: inout PGReadBuffer) throws(PGError) -> [TupleValue] {
        let count = try buffer.readInteger(as: UInt16.self)
        var values: [TupleValue] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            switch try buffer.readInteger(as: UInt8.self) {
            case UInt8(ascii: "n"): values.append(.null)
            case UInt8(ascii: "u"): values.append(.unchanged)
            case UInt8(ascii: "t"): values.append(.text(try buffer.readSlice(Int(try buffer.readInteger(as: UInt32.self)))))
            case UInt8(ascii: "b"): values.append(.binary(try buffer.readSlice(Int(try buffer.readInteger(as: UInt32.self)))))
            case let other: throw malformed("an unknown column kind \(other)")
            }
        }
        return values
    }

    private static func readString(_ buffer: inout PGReadBuffer) throws(PGError) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try buffer.readInteger(as: UInt8.self)
            if byte == 0 { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func expect(_ buffer: inout PGReadBuffer, _ tag: Character) throws(PGError) {
        guard try buffer.readInteger(as: UInt8.self) == tag.asciiValue! else { throw malformed("expected \(tag)") }
    }

    static func malformed(_ what: String) -> PGError {
        PGError(.protocolViolation, "the change stream sent \(what)")
    }

    /// PostgreSQL's timestamps: microseconds since 2000-01-01 UTC.
    static func date(_ microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: 946_684_800 + Double(microseconds) / 1_000_000)
    }
}
