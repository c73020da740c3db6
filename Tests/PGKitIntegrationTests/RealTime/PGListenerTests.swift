import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// LISTEN/NOTIFY through `PGListener` against the real server: delivery, channels changed while
/// listening, a backend terminated from outside, a consumer that falls behind, and what leaving
/// the loop leaves on the server.
@Suite struct PGListenerTests {
    static let database = SuiteDatabase("listener")

    /// The next event, or nil after `limit` (loose: CI runs every suite at once on two cores).
    static func next(_ iterator: inout PGListener.Iterator, within limit: Duration = .seconds(20)) async throws -> PGListenerEvent? {
        let box = IteratorBox(iterator)
        let event = try await withThrowingTaskGroup(of: PGListenerEvent?.self) { group in
            group.addTask { try await box.next() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        iterator = box.iterator
        return event
    }

    /// Lets a test's task group call the iterator (one caller at a time, by construction).
    final class IteratorBox: @unchecked Sendable {
        var iterator: PGListener.Iterator
        init(_ iterator: PGListener.Iterator) { self.iterator = iterator }
        func next() async throws -> PGListenerEvent? { try await iterator.next() }
    }

    @Test func notificationsArriveWithTheirChannelPayloadAndSender() async throws {
        let config = try await Self.database.configuration()
        let listener = try await PGListener.connect(config, channels: ["orders", "order's \"quoted\" channel"])
        let notifier = try await Self.database.connect()
        let senderPID = notifier.backendPID
        try await notifier.notify("orders", payload: "first")
        try await notifier.notify("order's \"quoted\" channel", payload: "it's; DROP TABLE x")
        _ = try? await notifier.transaction { conn in
            try await conn.notify("orders", payload: "rolled back")
            throw CancellationError()
        }
        try await notifier.notify("elsewhere", payload: "not listened to")
        try await notifier.notify("orders", payload: "last")
        var iterator = listener.makeAsyncIterator()
        var received: [PGNotification] = []
        while received.count < 3, let event = try await Self.next(&iterator) {
            if let note = event.notification { received.append(note) }
        }
        #expect(received.map(\.payload) == ["first", "it's; DROP TABLE x", "last"])
        #expect(received.map(\.channel) == ["orders", "order's \"quoted\" channel", "orders"])
        #expect(received.allSatisfy { $0.senderPID == senderPID })
        await listener.close()
        await notifier.close()
    }

    @Test func channelsCanBeAddedAndRemovedWhileListening() async throws {
        let listener = try await PGListener.connect(try await Self.database.configuration(), channels: ["alpha"])
        let notifier = try await Self.database.connect()
        var iterator = listener.makeAsyncIterator()
        try await listener.listen("beta")
        try await listener.unlisten("alpha")
        #expect(listener.channels == ["beta"])
        try await notifier.notify("alpha", payload: "gone")
        try await notifier.notify("beta", payload: "here")
        let event = try await Self.next(&iterator)
        #expect(event?.notification?.channel == "beta")
        #expect(event?.notification?.payload == "here")
        await listener.close()
        await notifier.close()
    }

    @Test func aTerminatedBackendGivesAGapEventThenDeliveryResumes() async throws {
        let listener = try await PGListener.connect(try await Self.database.configuration(), channels: ["jobs"],
                                                    options: .init(backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(500))))
        let admin = try await Self.database.connect()
        var iterator = listener.makeAsyncIterator()
        try await admin.notify("jobs", payload: "before")
        #expect(try await Self.next(&iterator)?.notification?.payload == "before")
        let firstPID = try #require(listener.backendPID)
        #expect(try await admin.query("SELECT pg_terminate_backend(\(firstPID))").scalar(Bool.self) == true)
        // Whatever is sent while the listener is away is lost; the gap says so. A consumer task
        // reads on (a timed-out next() would cancel the listener: cancelling its consumer ends it).
        let box = IteratorBox(iterator)
        let consumer = Task {
            var sawGap = false
            while let event = try await box.next() {
                switch event {
                case .mayHaveMissedNotifications(.reconnected(let error)):
                    #expect(error.isConnectionError, "\(error)")
                    sawGap = true
                case .mayHaveMissedNotifications(.bufferFull):
                    Issue.record("nothing was dropped")
                case .notification(let note):
                    if sawGap { return (true, [note.payload]) }
                }
            }
            return (sawGap, [String]())
        }
        let writer = Task {
            var round = 0
            while !Task.isCancelled {
                round += 1
                try? await admin.notify("jobs", payload: "round \(round)")
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            await listener.close()
        }
        let (sawGap, afterGap) = try await consumer.value
        writer.cancel()
        watchdog.cancel()
        #expect(sawGap, "the listener reports the gap")
        #expect(!afterGap.isEmpty, "and delivery resumes after it")
        #expect(listener.reconnections == 1)
        #expect(listener.backendPID != firstPID)
        await listener.close()
        await admin.close()
    }

    @Test func aConsumerThatFallsBehindGetsABoundedBufferAndACountOfWhatWasDropped() async throws {
        let listener = try await PGListener.connect(try await Self.database.configuration(), channels: ["flood"],
                                                    options: .init(bufferCapacity: 10))
        let notifier = try await Self.database.connect()
        for number in 0..<50 { try await notifier.notify("flood", payload: "\(number)") }
        try await notifier.notify("flood", payload: "end")
        // Not reading meanwhile: wait until the listener has taken all of them off the socket
        // (it says so by counting what it dropped), however long a loaded machine takes.
        let waitEnds = ContinuousClock.now + .seconds(30)
        while listener.droppedNotifications < 41, ContinuousClock.now < waitEnds { try await Task.sleep(for: .milliseconds(20)) }
        #expect(listener.droppedNotifications == 41, "51 sent, 10 kept")
        var iterator = listener.makeAsyncIterator()
        var payloads: [String] = []
        var dropped = 0
        while payloads.count + dropped < 51, let event = try await Self.next(&iterator) {
            switch event {
            case .notification(let note): payloads.append(note.payload)
            case .mayHaveMissedNotifications(.bufferFull(let count)): dropped += count
            case .mayHaveMissedNotifications(.reconnected): Issue.record("no reconnection here")
            }
        }
        #expect(payloads == (0..<10).map(String.init), "the oldest are kept, in order")
        #expect(dropped == 41)
        #expect(payloads.count + dropped == 51, "every notification is either delivered or counted")
        // Delivery goes on after the gap, and the count of drops does not move.
        try await notifier.notify("flood", payload: "after")
        let after = try await Self.next(&iterator)
        #expect(after?.notification?.payload == "after")
        #expect(listener.droppedNotifications == 41)
        await listener.close()
        await notifier.close()
    }

    @Test func leavingTheLoopClosesTheListenersConnection() async throws {
        let listener = try await PGListener.connect(try await Self.database.configuration(), channels: ["leave"])
        let pid = try #require(listener.backendPID)
        let admin = try await Self.database.connect()
        try await admin.notify("leave", payload: "one")
        for try await event in listener {
            if event.notification != nil { break }
        }
        var remaining = 1
        for _ in 0..<200 where remaining > 0 {
            remaining = try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)").scalar(Int.self) ?? 0
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(remaining == 0, "the listening backend is gone")
        await #expect(throws: PGError.self) { try await listener.listen("more") }
        await admin.close()
    }

    @Test func cancellingTheConsumingTaskEndsTheSequenceAndCloses() async throws {
        let listener = try await PGListener.connect(try await Self.database.configuration(), channels: ["cancelled"])
        let pid = try #require(listener.backendPID)
        let consumer = Task {
            var count = 0
            for try await _ in listener { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(200))
        consumer.cancel()
        #expect(try await consumer.value == 0)
        let admin = try await Self.database.connect()
        var remaining = 1
        for _ in 0..<200 where remaining > 0 {
            remaining = try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)").scalar(Int.self) ?? 0
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(remaining == 0)
        await admin.close()
    }
}
