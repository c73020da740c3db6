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
