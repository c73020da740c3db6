import Foundation
import PGKit
import Repositories
import Testing

@Suite struct UserAndSessionRepositoryTests {
    static let database = ChatDatabase("users_sessions")

    @Test func createsFindsUpdatesAndDeletesUsers() async throws {
        try await Self.database.with { db throws in
            let email = uniqueEmail("Ada")
            let user = try await db.users.create(email: email, name: "Ada")
            #expect(user.email == email)
            #expect(try await db.users.find(id: user.id) == user)
            #expect(try await db.users.find(email: email.uppercased())?.id == user.id, "email lookup is case-insensitive")
            try await Task.sleep(for: .milliseconds(5))
            let renamed = try await db.users.update(id: user.id, UserUpdate(name: .set("Ada King-Lovelace")))
            #expect(renamed.name == "Ada King-Lovelace")
            #expect(renamed.updatedAt > user.updatedAt, "updated_at is kept by the database")
            #expect(renamed.createdAt == user.createdAt)
            let cleared = try await db.users.update(id: user.id, UserUpdate(name: .set(nil)))
            #expect(cleared.name == nil)
            try await db.users.delete(id: user.id)
            #expect(try await db.users.find(id: user.id) == nil)
            await #expect(throws: RepositoryError.notFound(table: "users", id: user.id.uuidString)) { try await db.users.delete(id: user.id) }
        }
    }

    @Test func duplicateAndInvalidEmailsAreTypedErrors() async throws {
        try await Self.database.with { db throws in
            let email = uniqueEmail()
            _ = try await db.users.create(email: email)
            await #expect(throws: RepositoryError.duplicateEmail(email.uppercased())) { try await db.users.create(email: email.uppercased()) }
            await #expect(throws: RepositoryError.invalidEmail("not-an-email")) { try await db.users.create(email: "not-an-email") }
        }
    }

    @Test func keysAreTimeOrderedUUIDv7() async throws {
        try await Self.database.with { db throws in
            var previous: UUID?
            for _ in 0..<5 {
                let user = try await db.users.create(email: uniqueEmail())
                #expect(user.id.uuidString.dropFirst(14).first == "7", "version 7")
                if let previous { #expect(previous.uuidString.prefix(13) <= user.id.uuidString.prefix(13)) }
                previous = user.id
            }
        }
    }

    @Test func createUserWithSessionIsOneTransaction() async throws {
        try await Self.database.with { db throws in
            let email = uniqueEmail()
            let (user, session) = try await db.users.createUserWithSession(email: email, name: "Grace")
            #expect(session.userId == user.id)
            let expires = try #require(session.expiresAt)
            #expect(abs(expires.timeIntervalSinceNow - 30 * 86_400) < 120)
            // A failure after the user was inserted (an expiry no timestamp can hold) rolls the user back too.
            let second = uniqueEmail()
            await #expect(throws: PGError.self) {
                try await db.users.createUserWithSession(email: second, sessionLifetime: 1e15)
            }
            #expect(try await db.users.find(email: second) == nil)
            await #expect(throws: RepositoryError.duplicateEmail(email)) { try await db.users.createUserWithSession(email: email) }
        }
    }

    @Test func sessionsNewestFirstPerUserAndAnonymous() async throws {
        try await Self.database.with { db throws in
            let owner = try await db.users.create(email: uniqueEmail())
            let other = try await db.users.create(email: uniqueEmail())
            var created: [Session] = []
            for _ in 0..<3 { created.append(try await db.sessions.createSession(userId: owner.id)) }
            _ = try await db.sessions.createSession(userId: other.id)
            let anonymous = try await db.sessions.createSession()
            #expect(anonymous.userId == nil)
            let listed = try await db.sessions.sessions(forUser: owner.id)
            #expect(listed.items.map(\.id) == created.reversed().map(\.id))
            #expect(try await db.sessions.find(id: created[0].id, userId: other.id) == nil, "another user's session is not found")
            #expect(try await db.sessions.find(id: created[0].id, userId: owner.id)?.id == created[0].id)
            await #expect(throws: RepositoryError.unknownUser(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))) {
                try await db.sessions.createSession(userId: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
            }
        }
    }

    @Test func deletingCascadesAsTheSeedsSay() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let keep = try await db.sessions.createSession(userId: user.id)
            let drop = try await db.sessions.createSession(userId: user.id)
            _ = try await db.messages.createMessage(content: "hi", role: .user, sessionId: drop.id)
            _ = try await db.characterFiles.upsert(sessionId: drop.id, content: ["name": "Bot"])
            let memory = try await db.memories.create(content: "likes tea", userId: user.id, sessionId: drop.id)
            // Deleting a session deletes its messages and character file, and detaches memories.
            try await db.sessions.delete(id: drop.id)
            #expect(try await db.messages.count(inSession: drop.id) == 0)
            #expect(try await db.characterFiles.find(sessionId: drop.id) == nil)
            #expect(try await db.memories.find(id: memory.id)?.sessionId == nil)
            // Deleting a user deletes their sessions and memories.
            try await db.users.delete(id: user.id)
            #expect(try await db.sessions.find(id: keep.id) == nil)
            #expect(try await db.memories.find(id: memory.id) == nil)
        }
    }
}
