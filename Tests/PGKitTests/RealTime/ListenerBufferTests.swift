@testable import PGKit
import Testing

/// The listener's bounded queue: what a slow consumer keeps, and where it learns what it lost.
@Suite struct ListenerBufferTests {
    static func note(_ number: Int) -> PGNotification {
        PGNotification(channel: "c", payload: "\(number)", senderPID: 1)
    }

    static func describe(_ event: PGListenerEvent?) -> String {
        switch event {
        case .notification(let note): return note.payload
        case .mayHaveMissedNotifications(.bufferFull(let dropped)): return "dropped \(dropped)"
        case .mayHaveMissedNotifications(.reconnected): return "reconnected"
        case nil: return "nil"
        }
    }

    @Test func aFullBufferDropsTheNewestAndSaysHowManyWhereTheyWereDropped() {
        var buffer = ListenerBuffer(capacity: 3)
        for number in 1...5 { buffer.push(Self.note(number)) }
        #expect(Self.describe(buffer.pop()) == "1")
        buffer.push(Self.note(6))  // room again: the gap goes before it
        var seen: [String] = []
        while let event = buffer.pop() { seen.append(Self.describe(event)) }
        #expect(seen == ["2", "3", "dropped 2", "6"])
        #expect(buffer.isEmpty)
        #expect(buffer.droppedInAll == 2, "the running total outlives the report")
        for number in 7...12 { buffer.push(Self.note(number)) }
        #expect(buffer.droppedInAll == 5)
    }

    @Test func droppedNotificationsAreReportedEvenWhenNothingFollowsThem() {
        var buffer = ListenerBuffer(capacity: 1)
        for number in 1...4 { buffer.push(Self.note(number)) }
        #expect(Self.describe(buffer.pop()) == "1")
        #expect(Self.describe(buffer.pop()) == "dropped 3")
        #expect(buffer.pop() == nil)
    }

    @Test func reconnectionGapsAreNeverDroppedAndKeepTheirPlace() {
        var buffer = ListenerBuffer(capacity: 2)
        buffer.push(Self.note(1))
        buffer.push(Self.note(2))
        buffer.push(Self.note(3))
        buffer.push(gap: .reconnected(after: PGError(.connectionLost, "gone")))
        var seen: [String] = []
        while let event = buffer.pop() { seen.append(Self.describe(event)) }
        #expect(seen == ["1", "2", "dropped 1", "reconnected"])
    }

    @Test func memoryStaysBoundedWhateverArrives() {
        var buffer = ListenerBuffer(capacity: 100)
        for number in 0..<100_000 { buffer.push(Self.note(number)) }
        var count = 0
        while buffer.pop() != nil { count += 1 }
        #expect(count == 101)
    }

    @Test func backoffDoublesUpToItsMaximumWithBoundedJitter() {
        let backoff = PGReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect((0..<6).map { backoff.delay(attempt: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(backoff.delay(attempt: 1_000) == .seconds(1))
        #expect(backoff.delay(attempt: 0, jitter: 1) == .milliseconds(120))
    }
}
