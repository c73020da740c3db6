import Foundation
import PGKit
import Repositories
import Synchronization
import Testing

/// `db.observe` against the real server: a live query of one session's messages yields its
/// result, then a new one after each insert, edit and delete in that session; changes to other
/// sessions' rows do not even re-run it, and a change that leaves the result equal yields nothing.
@Suite struct LiveQueryTests {
    static let database = ChatDatabase("live_queries")

    final class Box<Value: Equatable & Sendable>: @unchecked Sendable {
        // Safety: used by one task at a time (the test awaits each next()).
        var iterator: PGLiveQuery<Value>.Iterator
        init(_ iterator: PGLiveQuery<Value>.Iterator) { self.iterator = iterator }
        func next() async throws -> Value?? { .some(try await iterator.next()) }
    }

    /// The next value, failing after a minute.
    static func next<Value>(_ box: Box<Value>) async throws -> Value? {
        try await withThrowingTaskGroup(of: Value??.self) { group in
            group.addTask { try await box.next() }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let first else { throw PGError(.timedOut, "the live query yielded nothing within a minute") }
            return first
        }
    }

    @Test func aSessionsMessagesUpdateOnInsertEditAndDeleteAndIgnoreOtherSessions() async throws {
        try await Self.database.with { db in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let alan = try await db.users.create(email: uniqueEmail("alan"))
            let session = try await db.sessions.createSession(userId: ada.id)
            let other = try await db.sessions.createSession(userId: alan.id)
            let runs = Mutex(0)
            let live = db.observe { repos in
                runs.withLock { $0 += 1 }
                return try await repos.messages.messages(inSession: session.id).items.map { "\($0.content) \($0.status)" }
            }
            let box = Box(live.makeAsyncIterator())
            #expect(try await Self.next(box) == [])

            let first = try await db.messages.createMessage(content: "hello", role: .user, sessionId: session.id)
            #expect(try await Self.next(box) == ["hello sent"])
            #expect(runs.withLock { $0 } == 2)

            // Another session's rows change, and its session row (the message counters), while
            // the consumer waits: the live query does not run. Another subscription of the same
            // feed sees the last of those changes, so the feed has handed them out by then.
            let watcher = try await db.live.messages(inSession: other.id, userId: alan.id)
            let waiting = Task { try await Self.next(box) }
            let theirs = try await db.messages.createMessage(content: "elsewhere", role: .user, sessionId: other.id)
            _ = try await db.messages.edit(id: theirs.id, content: "elsewhere, edited")
            try await db.messages.delete(id: theirs.id)
            for try await change in watcher { if case .deleted = change { break } }
            try await Task.sleep(for: .milliseconds(300))
            #expect(runs.withLock { $0 } == 2)
            // A change to this session's message that leaves the result as it was: a run, no value.
            _ = try await db.messages.markStatus(.sent, id: first.id)
            _ = try await db.messages.edit(id: first.id, content: "hello, edited")
            #expect(try await waiting.value == ["hello, edited sent"])
            #expect(runs.withLock { $0 } <= 4)   // the equal result's run and the edit's (one, if taken together)

            // A burst: one value with all of it.
            for index in 1...5 { try await db.messages.createMessage(content: "burst \(index)", role: .assistant, sessionId: session.id) }
            let burst = try await Self.next(box)
            #expect(burst == ["hello, edited sent"] + (1...5).map { "burst \($0) sent" })

            try await db.messages.delete(id: first.id)
            #expect(try await Self.next(box) == (1...5).map { "burst \($0) sent" })
        }
    }
}
