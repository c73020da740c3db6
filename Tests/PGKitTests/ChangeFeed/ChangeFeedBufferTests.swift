import Foundation
@testable import PGKit
import Testing

/// A change feed subscriber's bounded queue: whole transactions are kept or dropped, and the
/// count of what was dropped arrives where it was dropped.
@Suite struct ChangeFeedBufferTests {
    static func transaction(_ lsn: UInt64, changes: Int) -> PGCommittedTransaction {
        let relation = PGRelation(oid: 1, schema: "public", name: "t", replicaIdentity: .primaryKey, columns: [])
        let change = PGRowChange(operation: .insert, relation: relation, newRow: nil, oldRow: nil, unchangedColumns: [],
                                 xid: UInt32(lsn), commitLSN: PGLSN(lsn))
        return PGCommittedTransaction(changes: Array(repeating: change, count: changes),
                                      commit: PGTransactionCommit(xid: UInt32(lsn), commitLSN: PGLSN(lsn), endLSN: PGLSN(lsn + 1), commitTime: Date()))
    }

    static func describe(_ event: PGChangeFeedEvent?) -> String {
        switch event {
        case .transaction(let transaction): "\(transaction.commit.commitLSN.value)"
        case .mayHaveMissedChanges(.bufferFull(let dropped)): "dropped \(dropped)"
        case .mayHaveMissedChanges(.reconnected): "reconnected"
        case .mayHaveMissedChanges(.truncated): "truncated"
        case nil: "nil"
        }
    }

    @Test func aTransactionThatDoesNotFitIsDroppedWholeAndCountedWhereItWas() {
        var buffer = ChangeFeedBuffer(capacity: 4)
        let pushed = [buffer.push(Self.transaction(1, changes: 3)),
                      buffer.push(Self.transaction(2, changes: 2)),    // 5 > 4
                      buffer.push(Self.transaction(3, changes: 1)),    // fits: after the gap
                      buffer.push(Self.transaction(4, changes: 9))]    // never fits
        #expect(pushed == [true, false, true, false])
        buffer.push(gap: .reconnected(after: PGError(.connectionLost, "gone")))
        var seen: [String] = []
        while let event = buffer.pop() { seen.append(Self.describe(event)) }
        #expect(seen == ["1", "dropped 2", "3", "dropped 9", "reconnected"])
        #expect(buffer.isEmpty)
    }

    @Test func transactionsCommittedBeforeAPositionCanBeRemovedKeepingGaps() {
        var buffer = ChangeFeedBuffer(capacity: 10)
        buffer.push(Self.transaction(1, changes: 1))
        buffer.push(gap: .truncated(tables: ["t"]))
        buffer.push(Self.transaction(5, changes: 1))
        buffer.removeTransactions(committedBefore: PGLSN(5))
        #expect(Self.describe(buffer.pop()) == "truncated")
        #expect(Self.describe(buffer.pop()) == "5")
        #expect(buffer.pop() == nil)
        #expect(buffer.room == 10)
    }
}
