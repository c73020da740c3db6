import Foundation
import PGKit
import Repositories
import Testing

/// One user never sees another's rows: through the repositories, and through row-level
/// security when the app connects as a member of `chat_app` and runs SQL that forgets its filter.
@Suite(.serialized) struct RowLevelSecurityTests {
    static let database = ChatDatabase("rls")

    func appRoleConfig() async throws -> PGConfig {
        let config = try await Self.database.configuration()
        let admin = try await PGConnection.connect(config)
        try await admin.executeScript("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chat_app_test_login') THEN
                    CREATE ROLE chat_app_test_login LOGIN IN ROLE chat_app;
                END IF;
            END $$;
            """)
        await admin.close()
        return config.withUser("chat_app_test_login", password: nil)
    }

    @Test func theAppRoleSeesOnlyTheCurrentUsersRows() async throws {
        let owner = try await Self.database.open()
        let ada = try await owner.users.create(email: uniqueEmail("ada"))
        let alan = try await owner.users.create(email: uniqueEmail("alan"))
        for user in [ada, alan] {
            let session = try await owner.sessions.createSession(userId: user.id)
            _ = try await owner.messages.createMessage(content: "secret of \(user.email)", role: .user, sessionId: session.id)
            _ = try await owner.memories.create(content: "memory of \(user.email)", userId: user.id)
            _ = try await owner.characterFiles.upsert(sessionId: session.id, content: ["owner": .string(user.email)])
        }
        await owner.shutdown()

        let app = Database(pool: PGPool(config: try await appRoleConfig(), configuration: .init(maxConnections: 2)), rowLevelSecurity: true)
        // SQL with no user filter at all still sees only Ada's rows.
        let seen = try await app.pool.transaction { conn in
            try await conn.query("SELECT set_config('pgkit.user_id', \(ada.id.uuidString), true)")
            return (
                users: try await conn.query("SELECT email FROM users").map { try $0.decode(String.self, at: 0) },
                memories: try await conn.query("SELECT content FROM memories").map { try $0.decode(String.self, at: 0) },
                messages: try await conn.query("SELECT content FROM messages").map { try $0.decode(String.self, at: 0) },
                files: try await conn.query("SELECT count(*) FROM character_files").scalar(Int.self)
            )
        }
        #expect(seen.users == [ada.email])
        #expect(seen.memories == ["memory of \(ada.email)"])
        #expect(seen.messages == ["secret of \(ada.email)"])
        #expect(seen.files == 1)
        // With no user set, nothing user-owned is visible.
        #expect(try await app.pool.query("SELECT count(*) FROM memories").scalar(Int.self) == 0)
        // Writing a row for another user is refused by the policy.
        await #expect(throws: PGError.self) {
            try await app.asUser(ada.id) { repos in
                try await repos.memories.create(content: "forged", userId: alan.id)
            }
        }
        // The repositories in row-level-security mode work for the right user.
        let page = try await app.memories.memories(forUser: alan.id)
        #expect(page.items.map(\.content) == ["memory of \(alan.email)"])
        let search = try await app.messages.search("secret", userId: ada.id)
        #expect(search.map(\.message.content) == ["secret of \(ada.email)"])
        // The app role cannot change the schema.
        await #expect(throws: PGError.self) { try await app.pool.execute("DROP TABLE memories") }
        await app.shutdown()
    }

    /// The attack: a session-level `set_config` inside `asUser` must not make the next
    /// lease act for the user it names.
    @Test func aSessionLevelUserSettingNeverReachesTheNextLease() async throws {
        let owner = try await Self.database.open()
        let ada = try await owner.users.create(email: uniqueEmail("ada"))
        let bob = try await owner.users.create(email: uniqueEmail("bob"))
        let vector = try Vector384([Float](repeating: 0.2, count: 384))
        let bobs = try await owner.memories.create(content: "bob's secret", userId: bob.id, embedding: vector)
        await owner.shutdown()

        let app = Database(pool: PGPool(config: try await appRoleConfig(), configuration: .init(maxConnections: 1)), rowLevelSecurity: true)
        // Acting for Ada, in a transaction that sets the user, SQL sets Bob at session level.
        try await app.pool.transaction(.init(settings: CurrentUser.settings(ada.id))) { tx in
            try await tx.query("SELECT set_config('pgkit.user_id', \(bob.id.uuidString.lowercased()), false)")
        }
        #expect(try await app.memories.find(id: bobs.id) == nil)
        #expect(try await app.memories.findSimilar(to: vector, limit: 5).isEmpty)
        #expect(try await app.pool.query("SELECT count(*) FROM memories").scalar(Int.self) == 0)
        await app.shutdown()
    }

    /// Seed 003's and 004's operations through the app role: each acts for one user, and even
    /// called inside another user's `asUser` (as code that passes the wrong id would), row-level
    /// security lets it see and change only that transaction's user's rows.
    @Test func theNewOperationsStayWithinOneUser() async throws {
        let owner = try await Self.database.open()
        let ada = try await owner.users.create(email: uniqueEmail("ada"))
        let bob = try await owner.users.create(email: uniqueEmail("bob"))
        await owner.shutdown()

        let app = Database(pool: PGPool(config: try await appRoleConfig(), configuration: .init(maxConnections: 2)), rowLevelSecurity: true)
        var sessions: [UUID: [Session]] = [:]
        var messages: [UUID: [Message]] = [:]
        for user in [ada, bob] {
            for index in 0..<2 {
                let session = try await app.sessions.createSession(userId: user.id, title: "\(user.email) \(index)", settings: SessionSettings(temperature: 0.5))
                sessions[user.id, default: []].append(session)
                try await app.asUser(user.id) { repos in
                    let question = try await repos.messages.createMessage(content: "secret plans of \(user.email)", role: .user, sessionId: session.id,
                                                                          metadata: MessageMetadata(tokens: .init(prompt: 10, completion: 5)))
                    let answer = try await repos.messages.reply(to: question.id, parts: [.text("answer for \(user.email)")], role: .assistant)
                    messages[user.id, default: []] += [question, answer]
                }
            }
        }
        // The counters follow messages written by the app role.
        #expect(try await app.sessions.messageCounts(userId: ada.id).map(\.messages) == [2, 2])
        // Each operation, for the right user, sees only that user's rows.
        let dashboard = try await app.sessions.dashboard(userId: ada.id)
        #expect(dashboard.items.count == 2 && dashboard.items.allSatisfy { $0.session.userId == ada.id && $0.lastMessage?.content == "answer for \(ada.email)" })
        #expect(try await app.messages.search("secret plans", userId: ada.id).count == 2)
        #expect(try await app.messages.search("secret plans", userId: ada.id, sessionId: sessions[bob.id]![0].id).isEmpty)
        #expect(try await app.messages.messageCountsByRole(userId: ada.id) == [.user: 2, .assistant: 2, .system: 0])
        #expect(try await app.messages.tokenUsageByDay(userId: ada.id).map(\.total) == [30])
        let mixedSessions = sessions[ada.id]!.map(\.id) + sessions[bob.id]!.map(\.id)
        #expect(try await app.sessions.archive(mixedSessions, userId: ada.id) == 2)
        let mixedMessages = messages[ada.id]!.map(\.id) + messages[bob.id]!.map(\.id)
        #expect(try await app.messages.markStatus(.delivered, ids: mixedMessages, userId: ada.id) == 4)
        #expect(try await app.users.setPreference(.theme(.dark), userId: ada.id).theme == .dark)

        // Inside Ada's transaction, naming Bob changes and reveals nothing of Bob's.
        try await app.asUser(ada.id) { repos throws in
            #expect(try await repos.sessions.dashboard(userId: bob.id).items.isEmpty)
            #expect(try await repos.sessions.archive(mixedSessions, userId: bob.id) == 0)
            #expect(try await repos.messages.markStatus(.deleted, ids: mixedMessages, userId: bob.id) == 0)
            #expect(try await repos.messages.messageCountsByRole(userId: bob.id) == [.user: 0, .assistant: 0, .system: 0])
            #expect(try await repos.messages.tokenUsageByDay(userId: bob.id).isEmpty)
            #expect(try await repos.sessions.messageCounts(userId: bob.id).isEmpty)
            #expect(try await repos.messages.search("secret", userId: bob.id).isEmpty)
            await #expect(throws: RepositoryError.notFound(table: "users", id: bob.id.uuidString)) {
                try await repos.users.setPreference(.theme(.light), userId: bob.id)
            }
            let bobs = messages[bob.id]![0]
            await #expect(throws: RepositoryError.unknownMessage(bobs.id)) { try await repos.messages.reply(to: bobs.id, content: "hi", role: .user) }
            await #expect(throws: RepositoryError.notFound(table: "messages", id: bobs.id.uuidString)) { try await repos.messages.edit(id: bobs.id, content: "pwned") }
            await #expect(throws: RepositoryError.notFound(table: "messages", id: bobs.id.uuidString)) { try await repos.messages.markStatus(.deleted, id: bobs.id) }
            #expect(try await repos.messages.replies(to: bobs.id).items.isEmpty)
        }
        // Bob's rows are as they were.
        let bobsView = try await app.asUser(bob.id) { repos in
            (sessions: try await repos.sessions.sessions(forUser: bob.id).items, statuses: try await repos.messages.search("secret", userId: bob.id).map(\.message.status),
             preferences: try await repos.users.find(id: bob.id)?.decodedPreferences())
        }
        #expect(bobsView.sessions.count == 2 && bobsView.sessions.allSatisfy { !$0.isArchived })
        #expect(bobsView.statuses == ["sent", "sent"])
        #expect(bobsView.preferences == UserPreferences())
        await app.shutdown()
    }

    @Test func repositoriesScopeByUserEvenWithoutRowLevelSecurity() async throws {
        try await Self.database.with { db throws in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let alan = try await db.users.create(email: uniqueEmail("alan"))
            let adaSession = try await db.sessions.createSession(userId: ada.id)
            _ = try await db.memories.create(content: "ada's", userId: ada.id, embedding: [Float](repeating: 0.1, count: 384))
            _ = try await db.memories.create(content: "alan's", userId: alan.id, embedding: [Float](repeating: 0.1, count: 384))
            #expect(try await db.memories.memories(forUser: ada.id).items.map(\.content) == ["ada's"])
            #expect(try await db.memories.findSimilarMemories(to: try Vector384([Float](repeating: 0.1, count: 384)), userId: alan.id).map(\.memory.content) == ["alan's"])
            #expect(try await db.sessions.sessions(forUser: alan.id).items.isEmpty)
            #expect(try await db.sessions.find(id: adaSession.id, userId: alan.id) == nil)
        }
    }
}
