import Foundation
import PGKit
import Repositories
import Testing

/// `db.live`'s subscriptions against the real server: two users writing concurrently from many
/// tasks each see exactly their own changes, in commit order, deletes included, and nothing of
/// rolled-back transactions or of the other user; access is checked at subscribe time and kept.
@Suite struct LiveSubscriptionTests {
    static let database = ChatDatabase("live_subscriptions")
    /// One `Database`, so one change feed, for the tests that leave the feed alone: as in an app
    /// process, their subscriptions share it (and the suite takes one replication slot, not one
    /// per test). Closed when the test process ends.
    static let shared = Task { try await database.open() }

    static func withShared<T>(_ body: (Database) async throws -> T) async throws -> T {
        try await body(try await shared.value)
    }

    /// Changes until `stop` says so; fails after a minute without it.
    static func collect<Record>(_ subscription: RecordSubscription<Record>,
                                until stop: @escaping @Sendable (RecordChange<Record>) -> Bool) async throws -> [RecordChange<Record>] {
        try await withThrowingTaskGroup(of: [RecordChange<Record>]?.self) { group in
            group.addTask {
                var seen: [RecordChange<Record>] = []
                for try await change in subscription {
                    seen.append(change)
                    if stop(change) { break }
                }
                return seen
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let first else { throw PGError(.timedOut, "the subscription did not deliver what was expected within a minute") }
            return first
        }
    }

    /// What one writing task did to one user's messages and memories, as the subscriber should see it.
    struct Script: Sendable {
        var messages: [RecordChange<Message>] = []
        var memories: [RecordChange<Memory>] = []
    }

    /// One task's writes for `user` in `session`: messages created, edited, marked, deleted;
    /// memories created, updated, some deleted; and a transaction that rolls back.
    static func write(_ db: Database, user: UUID, session: UUID, task: Int) async throws -> Script {
        var script = Script()
        for round in 0..<3 {
            let kept = try await db.messages.createMessage(content: "\(user) \(task).\(round) kept", role: .user, sessionId: session)
            script.messages.append(.inserted(kept))
            let gone = try await db.messages.createMessage(content: "\(user) \(task).\(round) gone", role: .assistant, sessionId: session)
            script.messages.append(.inserted(gone))
            script.messages.append(.updated(try await db.messages.edit(id: kept.id, content: "\(user) \(task).\(round) edited", userId: user)))
            let marked = try await db.messages.markStatus(.delivered, id: gone.id, userId: user)
            script.messages.append(.updated(marked))
            try await db.messages.delete(id: gone.id)
            script.messages.append(.deleted(marked))
            _ = try? await db.transaction { tx in
                try await tx.messages.createMessage(content: "rolled back", role: .user, sessionId: session)
                try await tx.memories.create(content: "rolled back", userId: user)
                throw CancellationError()
            }
            let memory = try await db.memories.create(content: "\(user) \(task).\(round)", userId: user, importance: 0.5)
            script.memories.append(.inserted(memory))
            let updated = try await db.memories.update(id: memory.id, MemoryUpdate(importance: .set(Double(round))))
            script.memories.append(.updated(updated))
            if round != 1 {
                try await db.memories.delete(id: memory.id)
                script.memories.append(.deleted(updated))
            }
        }
        return script
    }

    /// The changes of `observed` about the rows `script` touched, in their order.
    static func ids<Record>(_ changes: [RecordChange<Record>]) -> Set<Record.ID> { Set(changes.compactMap { $0.record?.primaryKeyValue }) }

    @Test func twoUsersWritingConcurrentlyEachSeeExactlyTheirOwnChangesInCommitOrder() async throws {
        try await Self.withShared { db in try await twoUsersWriteConcurrently(db) }
    }

    func twoUsersWriteConcurrently(_ db: Database) async throws {
        let users = [try await db.users.create(email: uniqueEmail("live-a")), try await db.users.create(email: uniqueEmail("live-b"))]
        var sessions: [Session] = []
        for user in users { sessions.append(try await db.sessions.createSession(userId: user.id, title: "live")) }
        var messageFeeds: [RecordSubscription<Message>] = []
        var memoryFeeds: [RecordSubscription<Memory>] = []
        var sessionFeeds: [RecordSubscription<Session>] = []
        for (user, session) in zip(users, sessions) {
            messageFeeds.append(try await db.live.messages(inSession: session.id, userId: user.id))
            memoryFeeds.append(try await db.live.memories(forUser: user.id))
            sessionFeeds.append(try await db.live.sessions(forUser: user.id))
        }
        // The other user's changes run between: after everyone's writes, one marker per user.
        let tasks = 6
        let scripts = try await withThrowingTaskGroup(of: (Int, Script).self) { group in
            for (index, (user, session)) in zip(users, sessions).enumerated() {
                for task in 0..<tasks {
                    group.addTask { (index, try await Self.write(db, user: user.id, session: session.id, task: task)) }
                }
            }
            var scripts: [[Script]] = [[], []]
            for try await (index, script) in group { scripts[index].append(script) }
            return scripts
        }
        var extraSessions: [Session] = []
        for (user, session) in zip(users, sessions) {
            let extra = try await db.sessions.createSession(userId: user.id, title: "extra")
            extraSessions.append(extra)
            try await db.sessions.delete(id: extra.id)
            _ = try await db.sessions.update(id: session.id, SessionUpdate(title: .set("done")))
            try await db.messages.createMessage(content: "done", role: .system, sessionId: session.id)
            try await db.memories.create(content: "done", userId: user.id)
        }

        for index in users.indices {
            let user = users[index], session = sessions[index]
            let messages = try await Self.collect(messageFeeds[index]) { $0.record?.content == "done" }
            let memories = try await Self.collect(memoryFeeds[index]) { $0.record?.content == "done" }
            let sessionChanges = try await Self.collect(sessionFeeds[index]) { $0.record?.title == "done" }

            // Never the other user's, never a rolled-back row, never a gap.
            #expect(messages.allSatisfy { $0.record?.sessionId == session.id })
            #expect(memories.allSatisfy { $0.record?.userId == user.id })
            #expect(sessionChanges.allSatisfy { $0.record?.userId == user.id })
            #expect(!messages.contains { $0.record?.content == "rolled back" })
            #expect(!memories.contains { $0.record?.content == "rolled back" })

            // Exactly each task's changes, each task's in the order it made them (one task's
            // writes commit one after another), deletes with the row as it was last.
            let expectedMessages = scripts[index].reduce(0) { $0 + $1.messages.count } + 1
            let expectedMemories = scripts[index].reduce(0) { $0 + $1.memories.count } + 1
            #expect(messages.count == expectedMessages)
            #expect(memories.count == expectedMemories)
            for script in scripts[index] {
                let messageIDs = Self.ids(script.messages), memoryIDs = Self.ids(script.memories)
                #expect(messages.filter { messageIDs.contains($0.record!.id) } == script.messages)
                #expect(memories.filter { memoryIDs.contains($0.record!.id) } == script.memories)
            }
            // The session created and deleted, and the title change, as this user's.
            let extra = extraSessions[index]
            #expect(sessionChanges.contains(.inserted(extra)))
            #expect(sessionChanges.contains { if case .deleted(let gone) = $0 { gone.id == extra.id } else { false } })
            #expect(sessionChanges.contains { if case .updated(let changed) = $0 { changed.id == session.id } else { false } })
        }
    }

    @Test func aSubscriptionToAnotherUsersSessionIsRefused() async throws {
        try await Self.withShared { db in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let alan = try await db.users.create(email: uniqueEmail("alan"))
            let alansSession = try await db.sessions.createSession(userId: alan.id)
            let anonymous = try await db.sessions.createSession()
            await #expect(throws: RepositoryError.self) { _ = try await db.live.messages(inSession: alansSession.id, userId: ada.id) }
            await #expect(throws: RepositoryError.self) { _ = try await db.live.messages(inSession: anonymous.id, userId: ada.id) }
            await #expect(throws: RepositoryError.self) { _ = try await db.live.messages(inSession: alansSession.id, userId: nil) }
            _ = try await db.live.messages(inSession: anonymous.id, userId: nil)
        }
    }

    @Test func aSessionGivenToAnotherUserEndsItsSubscriptionWithNothingOfTheirs() async throws {
        try await Self.withShared { db in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let alan = try await db.users.create(email: uniqueEmail("alan"))
            let session = try await db.sessions.createSession(userId: ada.id)
            let live = try await db.live.messages(inSession: session.id, userId: ada.id)
            let before = try await db.messages.createMessage(content: "ada's", role: .user, sessionId: session.id)
            try await db.transaction { tx in
                _ = try await tx.sessions.update(id: session.id, SessionUpdate(userId: .set(alan.id)))
                try await tx.messages.createMessage(content: "alan's", role: .user, sessionId: session.id)
            }
            try await db.messages.createMessage(content: "alan's too", role: .user, sessionId: session.id)
            let seen = try await Self.collect(live) { _ in false }   // ends by itself
            #expect(seen == [.inserted(before)])
        }
    }

    @Test func aSessionGivenAwayWhileTheFeedReconnectsEndsTheSubscriptionWithNothingOfTheirs() async throws {
        try await Self.database.with { db in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let alan = try await db.users.create(email: uniqueEmail("alan"))
            let session = try await db.sessions.createSession(userId: ada.id)
            let live = try await db.live.messages(inSession: session.id, userId: ada.id)
            let sessions = try await db.live.sessions(forUser: ada.id)
            let before = try await db.messages.createMessage(content: "ada's", role: .user, sessionId: session.id)
            // The message's transaction (which counts it on the session) has reached the feed.
            _ = try await Self.collect(sessions) { _ in true }
            let feed = try await db.live.changeFeed()
            let pid = try #require(feed.backendPID)
            _ = try await db.pool.query("SELECT pg_terminate_backend(\(pid))")
            // Given away while the feed is away or just back: missed (the gap's check ends it)
            // or seen (the transaction ends it); either way nothing of Alan's arrives.
            _ = try await db.sessions.update(id: session.id, SessionUpdate(userId: .set(alan.id)))
            try await db.messages.createMessage(content: "alan's", role: .user, sessionId: session.id)
            let seen = try await Self.collect(live) { _ in false }
            #expect(seen.first == .inserted(before))
            #expect(seen.allSatisfy { $0.record == nil || $0.record == before })
        }
    }

    @Test func deletingTheSessionDeliversItsMessagesDeletesThenEnds() async throws {
        try await Self.withShared { db in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let session = try await db.sessions.createSession(userId: ada.id)
            let live = try await db.live.messages(inSession: session.id, userId: ada.id)
            let message = try await db.messages.createMessage(content: "bye", role: .user, sessionId: session.id)
            try await db.sessions.delete(id: session.id)
            let seen = try await Self.collect(live) { _ in false }
            #expect(seen == [.inserted(message), .deleted(message)])
        }
    }

    @Test func anUpdateLeavingLargeContentAloneStillDeliversTheWholeMessage() async throws {
        try await Self.withShared { db in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let session = try await db.sessions.createSession(userId: ada.id)
            let live = try await db.live.messages(inSession: session.id, userId: ada.id)
            // Random text does not compress: stored out of line (TOASTed), not repeated by an update.
            let large = (0..<20_000).map { _ in String(UnicodeScalar(UInt8.random(in: 97...122))) }.joined()
            let message = try await db.messages.createMessage(content: large, role: .user, sessionId: session.id)
            let marked = try await db.messages.markStatus(.delivered, id: message.id)
            let seen = try await Self.collect(live) { if case .updated = $0 { true } else { false } }
            #expect(seen == [.inserted(message), .updated(marked)])
            #expect(seen.last?.record?.content == large)
        }
    }

    @Test func withRowLevelSecurityTheSessionIsCheckedAsTheUserAndTheFeedNeedsAReplicationLogin() async throws {
        let config = try await Self.database.configuration()
        let admin = try await PGConnection.connect(config)
        try await admin.executeScript("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chat_app_live_login') THEN
                    CREATE ROLE chat_app_live_login LOGIN IN ROLE chat_app;
                END IF;
            END $$;
            """)
        await admin.close()
        let appConfig = config.withUser("chat_app_live_login", password: nil)
        try await Self.database.with { owner in
            let ada = try await owner.users.create(email: uniqueEmail("ada"))
            let alan = try await owner.users.create(email: uniqueEmail("alan"))
            let adas = try await owner.sessions.createSession(userId: ada.id)
            let alans = try await owner.sessions.createSession(userId: alan.id)

            // The app role has no REPLICATION: the feed cannot start with its login.
            let unprivileged = Database(pool: PGPool(config: appConfig, configuration: .init(maxConnections: 2)), rowLevelSecurity: true)
            await #expect(throws: PGError.self) { _ = try await unprivileged.live.memories(forUser: ada.id) }
            await unprivileged.shutdown()

            let app = Database(pool: PGPool(config: appConfig, configuration: .init(maxConnections: 2)), rowLevelSecurity: true,
                               liveData: LiveData.Options(replicationConfig: config))
            await #expect(throws: RepositoryError.self) { _ = try await app.live.messages(inSession: alans.id, userId: ada.id) }
            let live = try await app.live.messages(inSession: adas.id, userId: ada.id)
            try await owner.messages.createMessage(content: "alan's", role: .user, sessionId: alans.id)
            let message = try await owner.messages.createMessage(content: "ada's", role: .user, sessionId: adas.id)
            #expect(try await Self.collect(live) { _ in true } == [.inserted(message)])
            await app.shutdown()
        }
    }
}
