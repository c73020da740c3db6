import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// The change stream against the real server: what each change carries, decoded with PGKit's
/// codecs; nothing of a rolled-back transaction; acknowledgements that a new stream resumes
/// after; a walsender terminated mid-stream with a writer committing throughout.
@Suite struct PGChangeStreamTests {
    static let database = SuiteDatabase("change_stream")

    /// A slot name no other test (or earlier run) uses; the test drops it at the end.
    static func slotName(_ test: String) -> String {
        "pgkit_test_\(test)_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// A table of its own and a publication for it.
    static func makeTable(_ name: String, on conn: PGConnection) async throws {
        try await conn.executeScript("""
            DROP TABLE IF EXISTS \(name) CASCADE;
            CREATE TABLE \(name) (id int8 PRIMARY KEY, body text, tags text[], doc jsonb, at timestamptz, ref uuid, amount numeric);
            DROP PUBLICATION IF EXISTS \(name)_pub;
            """)
        try await PGChangeStream.createPublication("\(name)_pub", tables: [name], on: conn)
    }

    /// Events until `stop` says so, or nil after `limit` of silence.
    static func collect(_ iterator: inout PGChangeStream.Iterator, limit: Duration = .seconds(30),
                        until stop: (PGChangeEvent) -> Bool) async throws -> [PGChangeEvent] {
        var events: [PGChangeEvent] = []
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard let event = try await iterator.next() else { break }
            events.append(event)
            if stop(event) { break }
        }
        return events
    }

    static func commits(_ events: [PGChangeEvent]) -> [PGTransactionCommit] {
        events.compactMap { if case .commit(let commit) = $0 { return commit } else { return nil } }
    }

    static func changes(_ events: [PGChangeEvent]) -> [PGRowChange] {
        events.compactMap { if case .change(let change) = $0 { return change } else { return nil } }
    }

    @Test func insertsUpdatesDeletesAndTruncatesArriveTypedInCommitOrder() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("typed_changes", on: conn)
        let slot = Self.slotName("typed")
        let stream = try await PGChangeStream.connect(try await Self.database.configuration(), slot: slot, publication: "typed_changes_pub")
        let ref = UUID()
        let at = Date(timeIntervalSince1970: 1_700_000_000.25)
        try await conn.execute("INSERT INTO typed_changes VALUES (1, \("it's \"quoted\"; DROP"), \(["a", "b"]), \(PGJSONValue.object(["k": .number(1)])), \(at), \(ref), 12.50)")
        _ = try? await conn.transaction { tx in
            try await tx.execute("INSERT INTO typed_changes (id, body) VALUES (2, 'rolled back')")
            throw CancellationError()
        }
        try await conn.transaction { tx in
            try await tx.execute("UPDATE typed_changes SET body = 'edited' WHERE id = 1")
            try await tx.execute("INSERT INTO typed_changes (id, body) VALUES (3, NULL)")
        }
        try await conn.execute("DELETE FROM typed_changes WHERE id = 3")
        try await conn.executeScript("ALTER TABLE typed_changes REPLICA IDENTITY FULL")
        try await conn.execute("DELETE FROM typed_changes WHERE id = 1")
        try await conn.executeScript("TRUNCATE typed_changes")
        var iterator = stream.makeAsyncIterator()
        var commitCount = 0
        let events = try await Self.collect(&iterator) { event in
            if case .commit = event { commitCount += 1 }
            return commitCount == 5
        }
        let commits = Self.commits(events)
        #expect(commits.count == 5)
        #expect(zip(commits, commits.dropFirst()).allSatisfy { $0.endLSN < $1.commitLSN }, "in commit order")
        let changes = Self.changes(events)
        #expect(changes.map(\.operation) == [.insert, .update, .insert, .delete, .delete])
        #expect(changes.allSatisfy { $0.table == "typed_changes" })
        let inserted = try #require(changes.first?.newRow)
        #expect(try inserted.decode(Int64.self, column: "id") == 1)
        #expect(try inserted.decode(String.self, column: "body") == "it's \"quoted\"; DROP")
        #expect(try inserted.decode([String].self, column: "tags") == ["a", "b"])
        #expect(try inserted.decode(PGJSONValue.self, column: "doc") == .object(["k": .number(1)]))
        #expect(try inserted.decode(Date.self, column: "at") == at)
        #expect(try inserted.decode(UUID.self, column: "ref") == ref)
        #expect(try inserted.decode(Decimal.self, column: "amount") == Decimal(string: "12.50"))
        #expect(try changes[1].newRow?.decode(String.self, column: "body") == "edited")
        #expect(changes[1].oldRow == nil, "the key did not change: no old row under the default identity")
        #expect(try changes[2].newRow?.decode(String?.self, column: "body") == nil)
        // Default identity: the old row carries the key; FULL: the whole row.
        #expect(try changes[3].oldRow?.decode(Int64.self, column: "id") == 3)
        #expect(changes[3].oldRow?.isNull(1) == true)
        #expect(changes[3].relation.replicaIdentity == .primaryKey)
        #expect(try changes[4].oldRow?.decode(String.self, column: "body") == "edited")
        #expect(changes[4].relation.replicaIdentity == .full)
        #expect(changes[0].relation.columns.filter(\.isKey).map(\.name) == ["id"])
        let truncates = events.compactMap { if case .truncate(let truncate) = $0 { return truncate } else { return nil } }
        #expect(truncates.map { $0.relations.map(\.name) } == [["typed_changes"]])
        let bodies = changes.compactMap { try? $0.newRow?.decode(String?.self, column: "body") }
        #expect(!bodies.contains("rolled back"), "nothing of a rolled-back transaction")
        await stream.close()
        try await PGChangeStream.dropSlot(slot, on: conn)
        await conn.close()
    }

    @Test func aNewStreamResumesAfterTheLastAcknowledgementAndNothingAcknowledgedComesAgain() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("resumed_changes", on: conn)
        let config = try await Self.database.configuration()
        let slot = Self.slotName("resume")
        let first = try await PGChangeStream.connect(config, slot: slot, publication: "resumed_changes_pub")
        for id in 1...6 { try await conn.execute("INSERT INTO resumed_changes (id) VALUES (\(Int64(id)))") }
        var iterator = first.makeAsyncIterator()
        var seen: [Int64] = []
        var commitEnds: [PGLSN] = []
        _ = try await Self.collect(&iterator) { event in
            if case .change(let change) = event, let id = try? change.newRow?.decode(Int64.self, column: "id") { seen.append(id) }
            if case .commit(let commit) = event { commitEnds.append(commit.endLSN) }
            if case .commit(let commit) = event, seen.count <= 3 { first.acknowledge(commit) }
            return seen.count == 6 && { if case .commit = event { return true } else { return false } }()
        }
        #expect(seen == [1, 2, 3, 4, 5, 6])
        await first.close()
        var status = try await PGChangeStream.slots(on: conn).first { $0.name == slot }
        for _ in 0..<100 where status?.isActive != false {  // the walsender exits after the connection closes
            try await Task.sleep(for: .milliseconds(100))
            status = try await PGChangeStream.slots(on: conn).first { $0.name == slot }
        }
        #expect(status?.isActive == false)
        // The server holds the last acknowledgement (or a later position a keepalive showed
        // was safe while the consumer was idle), and nothing past the unacknowledged 4.
        let confirmed = try #require(status?.confirmedLSN)
        #expect(confirmed >= first.acknowledgedLSN && confirmed < commitEnds[3], "close() told the server the last acknowledgement")
        let second = try await PGChangeStream.connect(config, slot: slot, publication: "resumed_changes_pub")
        try await conn.execute("INSERT INTO resumed_changes (id) VALUES (7)")
        var resumed: [Int64] = []
        var secondIterator = second.makeAsyncIterator()
        _ = try await Self.collect(&secondIterator) { event in
            if case .change(let change) = event, let id = try? change.newRow?.decode(Int64.self, column: "id") { resumed.append(id) }
            return resumed.last == 7
        }
        #expect(resumed == [4, 5, 6, 7], "what was acknowledged does not come again; what was not does")
        await second.close()
        // The consumer's own record of where it got to (the end of 5's commit) skips the rest.
        let third = try await PGChangeStream.connect(config, slot: slot, publication: "resumed_changes_pub",
                                                     options: .init(startAfter: commitEnds[4]))
        var skipped: [Int64] = []
        var thirdIterator = third.makeAsyncIterator()
        _ = try await Self.collect(&thirdIterator) { event in
            if case .change(let change) = event, let id = try? change.newRow?.decode(Int64.self, column: "id") { skipped.append(id) }
            return skipped.last == 7
        }
        #expect(skipped == [6, 7], "startAfter skips what the consumer's own records hold")
        await third.close()
        try await PGChangeStream.dropSlot(slot, on: conn)
        #expect(try await PGChangeStream.slots(on: conn).contains { $0.name == slot } == false)
        await conn.close()
    }

    @Test func aTerminatedWalsenderIsReconnectedAndEveryCommitArrivesOnceInOrder() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("terminated_changes", on: conn)
        let slot = Self.slotName("terminated")
        let stream = try await PGChangeStream.connect(try await Self.database.configuration(), slot: slot, publication: "terminated_changes_pub",
                                                      options: .init(backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(500))))
        let total: Int64 = 300
        let writer = Task {
            let writerConn = try await Self.database.connect()
            for id in 1...total {
                try await writerConn.execute("INSERT INTO terminated_changes (id) VALUES (\(id))")
                if id == total / 3 || id == 2 * total / 3 {
                    _ = try await writerConn.query("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = \(slot) AND active_pid IS NOT NULL")
                }
            }
            await writerConn.close()
        }
        var iterator = stream.makeAsyncIterator()
        var committed: [Int64] = []
        var pending: [Int64] = []
        var reconnected = 0
        _ = try await Self.collect(&iterator, limit: .seconds(90)) { event in
            switch event {
            case .begin: pending = []
            case .change(let change): if let id = try? change.newRow?.decode(Int64.self, column: "id") { pending.append(id) }
            case .commit(let commit):
                committed.append(contentsOf: pending)
                stream.acknowledge(commit)
            case .reconnected: reconnected += 1; pending = []
            case .truncate: break
            }
            return committed.last == total
        }
        try await writer.value
        #expect(committed == Array(1...total), "every commit, once, in order")
        #expect(reconnected >= 1)
        #expect(stream.reconnections >= 1)
        await stream.close()
        try await PGChangeStream.dropSlot(slot, on: conn)
        await conn.close()
    }

    @Test func writesToOtherTablesDoNotPinTheSlotsWALWhileTheConsumerIsIdle() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("idle_changes", on: conn)
        try await conn.executeScript("DROP TABLE IF EXISTS idle_other; CREATE TABLE idle_other (id int8, body text)")
        let slot = Self.slotName("idle")
        let stream = try await PGChangeStream.connect(try await Self.database.configuration(), slot: slot, publication: "idle_changes_pub",
                                                      options: .init(statusInterval: .milliseconds(500)))
        let consumer = Task {
            for try await event in stream { if case .commit(let commit) = event { stream.acknowledge(commit) } }
        }
        try await conn.execute("INSERT INTO idle_changes (id) VALUES (1)")
        for batch in 0..<20 {
            try await conn.execute("INSERT INTO idle_other SELECT g, repeat('x', 200) FROM generate_series(\(Int64(batch * 1000)), \(Int64(batch * 1000 + 999))) g")
        }
        let written = try #require(PGLSN(try await conn.query("SELECT pg_current_wal_lsn()::text").scalar(String.self) ?? ""))
        var status: PGReplicationSlotStatus?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            status = try await PGChangeStream.slots(on: conn).first { $0.name == slot }
            if let confirmed = status?.confirmedLSN, confirmed >= written { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect((status?.confirmedLSN ?? .zero) >= written, "the slot moved past the unpublished writes (\(written))")
        #expect(status?.isActive == true)
        consumer.cancel()
        await stream.close()
        try await PGChangeStream.dropSlot(slot, on: conn)
        await conn.close()
    }
}
