import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// One change feed, many filtered subscribers, against the real server: each gets what its
/// filter accepts of committed transactions only; a subscriber that does not read loses whole
/// transactions, told by a gap, while the others get everything; a terminated walsender comes
/// back with a gap for everyone.
@Suite struct PGChangeFeedTests {
    static let database = SuiteDatabase("change_feed")

    static func makeTable(_ name: String, on conn: PGConnection) async throws {
        try await conn.executeScript("""
            DROP TABLE IF EXISTS \(name) CASCADE;
            CREATE TABLE \(name) (id int8 PRIMARY KEY, body text);
            DROP PUBLICATION IF EXISTS \(name)_pub;
            """)
        try await PGChangeStream.createPublication("\(name)_pub", tables: [name], on: conn)
    }

    /// The next event, failing after a minute.
    static func next(_ iterator: inout PGChangeFeedSubscription.Iterator) async throws -> PGChangeFeedEvent? {
        let box = IteratorBox(iterator)
        defer { iterator = box.iterator }
        return try await withThrowingTaskGroup(of: PGChangeFeedEvent??.self) { group in
            group.addTask { try await box.next() }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return .some(nil)
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let first else { throw PGError(.timedOut, "no event within a minute") }
            return first
        }
    }

    final class IteratorBox: @unchecked Sendable {
        // Safety: used by one task at a time (the test awaits each next()).
        var iterator: PGChangeFeedSubscription.Iterator
        init(_ iterator: PGChangeFeedSubscription.Iterator) { self.iterator = iterator }
        func next() async throws -> PGChangeFeedEvent?? { .some(try await iterator.next()) }
    }

    static func ids(_ event: PGChangeFeedEvent?) throws -> [Int64] {
        guard case .transaction(let transaction) = event else { return [] }
        return try transaction.changes.map { try $0.newRow?.decode(Int64.self, column: "id") ?? $0.oldRow!.decode(Int64.self, column: "id") }
    }

    @Test func subscribersGetWhatTheirFiltersAcceptOfCommittedTransactionsOnly() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("feed_filtered", on: conn)
        let feed = try await PGChangeFeed.start(try await Self.database.configuration(), publication: "feed_filtered_pub")
        #expect(throws: PGError.self) { _ = try feed.subscribe(tables: ["not_published"]) }
        let mine = try feed.subscribe(tables: ["feed_filtered"]) { change in
            (try? (change.newRow ?? change.oldRow)?.decode(Int64.self, column: "id")).map { $0 % 2 == 0 } ?? false
        }
        let everything = try feed.subscribe(tables: ["feed_filtered"])
        try await conn.execute("INSERT INTO feed_filtered VALUES (1, 'odd')")
        try await conn.execute("INSERT INTO feed_filtered VALUES (2, 'even')")
        _ = try? await conn.transaction { tx in
            try await tx.execute("INSERT INTO feed_filtered VALUES (4, 'rolled back')")
            throw CancellationError()
        }
        try await conn.transaction { tx in
            try await tx.execute("INSERT INTO feed_filtered VALUES (3, 'odd'), (6, 'even'), (8, 'even')")
            try await tx.execute("DELETE FROM feed_filtered WHERE id = 2")
        }
        try await conn.execute("TRUNCATE feed_filtered")
        var iterator = mine.makeAsyncIterator()
        #expect(try Self.ids(try await Self.next(&iterator)) == [2])
        #expect(try Self.ids(try await Self.next(&iterator)) == [6, 8, 2])
        guard case .mayHaveMissedChanges(.truncated(let tables)) = try await Self.next(&iterator) else {
            Issue.record("the truncate did not arrive as a gap")
            return
        }
        #expect(tables == ["feed_filtered"])
        var all = everything.makeAsyncIterator()
        #expect(try Self.ids(try await Self.next(&all)) == [1])
        #expect(try Self.ids(try await Self.next(&all)) == [2])
        #expect(try Self.ids(try await Self.next(&all)) == [3, 6, 8, 2])
        await feed.close()
        #expect(try await Self.next(&all) != nil)   // the truncate's gap, queued before the close
        #expect(try await Self.next(&all) == nil)
        await conn.close()
    }

    @Test func aSubscriberThatDoesNotReadLosesWholeTransactionsAndIsToldWhileOthersGetEverything() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("feed_slow", on: conn)
        let feed = try await PGChangeFeed.start(try await Self.database.configuration(), publication: "feed_slow_pub",
                                                options: .init(bufferCapacity: 5))
        let slow = try feed.subscribe(tables: ["feed_slow"])
        let fast = try feed.subscribe(tables: ["feed_slow"])
        var fastIterator = fast.makeAsyncIterator()
        // The reading subscriber takes each transaction before the next commits; the other reads nothing.
        for id in 1...21 {
            try await conn.execute("INSERT INTO feed_slow VALUES (\(id), 'x')")
            #expect(try Self.ids(try await Self.next(&fastIterator)) == [Int64(id)])
        }
        var slowIterator = slow.makeAsyncIterator()
        for id in 1...5 { #expect(try Self.ids(try await Self.next(&slowIterator)) == [Int64(id)]) }
        guard case .mayHaveMissedChanges(.bufferFull(let dropped)) = try await Self.next(&slowIterator) else {
            Issue.record("no gap after the buffer filled")
            return
        }
        // 6 to 21 did not fit. The reading subscriber may be handed 21 first, and this one read
        // its gap before 21 came to it: then 21 is in a second gap, or delivered if it found room.
        var droppedInAll = dropped
        try await conn.execute("INSERT INTO feed_slow VALUES (22, 'after')")
        var after: [Int64] = []
        while after.last != 22 {
            let event = try await Self.next(&slowIterator)
            if case .mayHaveMissedChanges(.bufferFull(let more)) = event { droppedInAll += more }
            after += try Self.ids(event)
        }
        #expect(dropped >= 15)
        #expect(after == Array(Int64(6 + droppedInAll)..<23))
        #expect(try Self.ids(try await Self.next(&fastIterator)) == [22])
        await feed.close()
        await conn.close()
    }

    @Test func aTerminatedWalsenderComesBackWithAGapForEverySubscriber() async throws {
        let conn = try await Self.database.connect()
        try await Self.makeTable("feed_terminated", on: conn)
        let feed = try await PGChangeFeed.start(try await Self.database.configuration(), publication: "feed_terminated_pub",
                                                options: .init(backoff: PGReconnectBackoff(initial: .milliseconds(50))))
        let subscription = try feed.subscribe(tables: ["feed_terminated"])
        var iterator = subscription.makeAsyncIterator()
        try await conn.execute("INSERT INTO feed_terminated VALUES (1, 'before')")
        #expect(try Self.ids(try await Self.next(&iterator)) == [1])
        let pid = try #require(feed.backendPID)
        #expect(try await conn.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self) == true)
        guard case .mayHaveMissedChanges(.reconnected) = try await Self.next(&iterator) else {
            Issue.record("no reconnection gap")
            return
        }
        #expect(feed.reconnections == 1)
        #expect(feed.backendPID != pid)
        try await conn.execute("INSERT INTO feed_terminated VALUES (2, 'after')")
        #expect(try Self.ids(try await Self.next(&iterator)) == [2])
        await feed.close()
        await conn.close()
    }
}
