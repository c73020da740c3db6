import Foundation
@testable import PGKit
import Testing

/// Whether a change may affect what a live query read, as a value: decided from the rows the
/// log carries, and "yes" whenever the log does not carry what would tell.
@Suite struct PGRowChangeMayAffectTests {
    static func relation(_ identity: PGRelation.ReplicaIdentity, table: String = "notes") -> PGRelation {
        PGRelation(oid: 1, schema: "public", name: table, replicaIdentity: identity, columns: [
            PGRelation.Column(name: "id", typeOID: 20, typeModifier: -1, isKey: true),
            PGRelation.Column(name: "owner", typeOID: 20, typeModifier: -1, isKey: identity == .full),
        ])
    }

    /// A row of int8 values (nil: NULL) as the log carries it, in binary.
    static func row(_ values: [Int64?], _ relation: PGRelation) throws -> PGRow {
        let buffers = values.map { value -> UnsafeMutableRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
            buffer.storeBytes(of: (value ?? 0).bigEndian, as: Int64.self)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        let tuple: [PgOutputDecoder.TupleValue] = zip(values, buffers).map { value, buffer in
            value == nil ? .null : .binary(UnsafeRawBufferPointer(buffer))
        }
        return try PGRow.fromLog(tuple, relation: relation, context: PGDecodingContext())
    }

    static func change(_ operation: PGRowChange.Operation, _ identity: PGRelation.ReplicaIdentity,
                       new: [Int64?]? = nil, old: [Int64?]? = nil, table: String = "notes") throws -> PGRowChange {
        let relation = relation(identity, table: table)
        return PGRowChange(operation: operation, relation: relation, newRow: try new.map { try row($0, relation) },
                           oldRow: try old.map { try row($0, relation) }, unchangedColumns: [], xid: 1, commitLSN: .zero)
    }

    static let ownersRows = PGTableRead.rows(of: "notes", where: [.equals("owner", Int64(1))])

    @Test func insertsAndUpdatesAreJudgedByTheirRows() throws {
        #expect(try Self.change(.insert, .primaryKey, new: [1, 1]).mayAffect(Self.ownersRows))
        #expect(try !Self.change(.insert, .primaryKey, new: [1, 2]).mayAffect(Self.ownersRows))
        // A row leaving the read, and one never in it, with the whole old row.
        #expect(try Self.change(.update, .full, new: [1, 2], old: [1, 1]).mayAffect(Self.ownersRows))
        #expect(try !Self.change(.update, .full, new: [1, 3], old: [1, 2]).mayAffect(Self.ownersRows))
    }

    @Test func whatTheDefaultIdentityDoesNotLogCountsAsAffecting() throws {
        // The old owner is unknown: the row may have left the read.
        #expect(try Self.change(.update, .primaryKey, new: [1, 2]).mayAffect(Self.ownersRows))
        #expect(try Self.change(.delete, .primaryKey, old: [1, nil]).mayAffect(Self.ownersRows))
        // With the whole old row, a delete of another owner's row does not.
        #expect(try !Self.change(.delete, .full, old: [1, 2]).mayAffect(Self.ownersRows))
        #expect(try Self.change(.delete, .full, old: [1, 1]).mayAffect(Self.ownersRows))
    }

    @Test func conditionsOnTheKeyUseTheKeyTheDefaultIdentityLogs() throws {
        let one = PGTableRead.rows(of: "notes", where: [.equals("id", Int64(5))])
        #expect(try Self.change(.delete, .primaryKey, old: [5, nil]).mayAffect(one))
        #expect(try !Self.change(.delete, .primaryKey, old: [6, nil]).mayAffect(one))
        #expect(try !Self.change(.update, .primaryKey, new: [6, 1]).mayAffect(one))   // the key did not change
    }

    @Test func otherTablesNeverAndWholeTableReadsAlways() throws {
        #expect(try !Self.change(.insert, .primaryKey, new: [1, 1], table: "other").mayAffect(Self.ownersRows))
        #expect(try Self.change(.insert, .primaryKey, new: [1, 2]).mayAffect(.table("notes")))
    }
}
