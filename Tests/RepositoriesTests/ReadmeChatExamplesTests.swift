import Foundation
import PGKit
import Repositories
import Testing

/// The README's chat data layer example, run as written against the real migrations.
@Suite struct ReadmeChatExamplesTests {
    static let database = ChatDatabase("readme")

    @Test func theChatExampleRunsAsDocumented() async throws {
        let db = Database(pool: PGPool(config: try await Self.database.configuration()))
        let floats = unitVector((0..<384).map { Float($0 % 13) - 6 })
        let batch = (0..<3).map { _ in MemoryInsert(content: "batch", embedding: try! Vector384(floats), userId: UUID()) }

        let session = try await db.sessions.createSession()
        let message = try await db.messages.createMessage(content: "Hello, world!", role: .user, sessionId: session.id)
        let (user, first) = try await db.users.createUserWithSession(email: "ada@example.com", name: "Ada")
        let embedding = try Vector384(floats)
        let memory = try await db.memories.create(content: "Prefers tea", userId: user.id, sessionId: first.id,
                                                  embedding: embedding, importance: 0.7)
        for scored in try await db.memories.findSimilarMemories(to: embedding, userId: user.id, limit: 5) {
            #expect(scored.memory.id == memory.id)
            #expect(abs(scored.similarity - 1) < 1e-5)
        }
        let nearest = try await db.memories.findSimilar(to: embedding, limit: 5)
        #expect(nearest.first?.id == memory.id)
        await #expect(throws: RepositoryError.self) { try await db.memories.insertMany(batch) }  // batch's users do not exist
        var page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 50))
        while let cursor = page.nextCursor {
            page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 50, after: cursor))
        }
        #expect(page.items.map(\.id) == [message.id])
        _ = try await db.messages.search("vector index", userId: user.id)
        let file = try await db.characterFiles.upsert(sessionId: first.id, content: ["name": "Guide", "traits": ["patient"]])
        #expect(file.content["traits"] == ["patient"])
        let coder = try await db.specializations.create(name: "code-review", description: "Reviews code", modelPath: "models/cr.gguf")
        let updated = try await db.specializations.update(id: coder.id, SpecializationUpdate(modelPath: .set("models/cr-v2.gguf")))
        #expect(updated.modelPath == "models/cr-v2.gguf")
        try await db.transaction { tx in
            let user = try await tx.users.create(email: "grace@example.com", name: "Grace")
            _ = try await tx.sessions.createSession(userId: user.id)
        }
        await db.shutdown()
    }
}
