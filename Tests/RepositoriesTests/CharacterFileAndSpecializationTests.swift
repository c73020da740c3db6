import Foundation
import PGKit
import Repositories
import Testing

@Suite struct CharacterFileAndSpecializationTests {
    static let database = ChatDatabase("files_specializations")

    struct Character: Codable, Equatable { var name: String; var traits: [String] }

    @Test func characterFilesUpsertOnePerSession() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            let first = try await db.characterFiles.upsert(sessionId: session.id, content: ["name": "Ada", "traits": ["curious"]])
            let second = try await db.characterFiles.upsert(sessionId: session.id, encoding: Character(name: "Grace", traits: ["bold", "ü"]))
            #expect(second.id == first.id, "one file per session, replaced in place")
            #expect(second.content["name"] == "Grace")
            #expect(try await db.characterFiles.find(sessionId: session.id)?.content == second.content)
            await #expect(throws: RepositoryError.self) { try await db.characterFiles.upsert(sessionId: UUID(), content: [:]) }
            try await db.characterFiles.delete(sessionId: session.id)
            #expect(try await db.characterFiles.find(sessionId: session.id) == nil)
        }
    }

    @Test func specializationsCRUDWithUniqueNames() async throws {
        try await Self.database.with { db throws in
            let name = "coder-\(UUID().uuidString.prefix(6))"
            let created = try await db.specializations.create(name: name, description: "Writes code", modelPath: "models/coder.gguf")
            #expect(try await db.specializations.find(name: name) == created)
            await #expect(throws: RepositoryError.duplicateName(name)) {
                try await db.specializations.create(name: name, modelPath: "x")
            }
            let updated = try await db.specializations.update(id: created.id, SpecializationUpdate(description: .set(nil), modelPath: .set("models/v2.gguf")))
            #expect(updated.description == nil && updated.modelPath == "models/v2.gguf")
            #expect(try await db.specializations.list(PageRequest(limit: 100)).items.contains(updated))
            try await db.specializations.delete(id: created.id)
            #expect(try await db.specializations.find(id: created.id) == nil)
        }
    }

    @Test func hostileStringsAreStoredVerbatimEverywhere() async throws {
        try await Self.database.with { db throws in
            let hostile = "'); DROP TABLE users; -- \" $1 \\ %_ 💥"
            // A name takes letters, digits, spaces and hyphens only: refused, typed, before any SQL.
            await #expect(throws: RepositoryError.invalidName(hostile)) { try await db.users.create(email: "x'or'1'='1@example.com", name: hostile) }
            let user = try await db.users.create(email: "x'or'1'='1@example.com", name: "Robert Tables")
            #expect(try await db.users.find(email: "x'or'1'='1@example.com")?.name == "Robert Tables")
            let session = try await db.sessions.createSession(userId: user.id, title: hostile, systemPrompt: hostile, tags: [hostile])
            #expect(try await db.sessions.find(id: session.id).map { [$0.title, $0.systemPrompt, $0.tags.first] } == [hostile, hostile, hostile])
            let message = try await db.messages.createMessage(content: hostile, role: .user, sessionId: session.id)
            #expect(try await db.messages.find(id: message.id)?.content == hostile)
            _ = try await db.messages.search(hostile, userId: user.id)
            let specialization = try await db.specializations.create(name: hostile, modelPath: hostile)
            #expect(try await db.specializations.find(name: hostile)?.id == specialization.id)
            #expect(try await db.pool.query("SELECT to_regclass('users') IS NOT NULL").scalar(Bool.self) == true)
        }
    }
}
