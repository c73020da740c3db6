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

    /// The README's example of the chat fields (seeds 003 and 004), run as written.
    @Test func theChatFieldsExampleRunsAsDocumented() async throws {
        let db = Database(pool: PGPool(config: try await Self.database.configuration()))
        let user = try await db.users.create(email: "ada-fields@example.com", name: "Ada Lovelace",
                                             preferences: UserPreferences(theme: .dark, language: "en-GB"))
        try await db.users.setPreference(.defaultModel("gpt-4o"), userId: user.id)
        let chat = try await db.sessions.createSession(userId: user.id, title: "Project planning", model: "gpt-4o",
                                                       systemPrompt: "You are a helpful project planning assistant.",
                                                       settings: SessionSettings(temperature: 0.7, maxTokens: 2000), tags: ["work"])
        let question = try await db.messages.createMessage(parts: [
            .text("Here's my code:"), .code(language: "typescript", code: "const x = 1;"), .text("What do you think?"),
        ], role: .user, sessionId: chat.id)
        #expect(question.content == "Here's my code: const x = 1; What do you think?")
        let answer = try await db.messages.reply(to: question.id, content: "Looks fine.", role: .assistant,
                                                 metadata: MessageMetadata(model: "gpt-4o", tokens: .init(prompt: 12, completion: 30)),
                                                 status: .delivered)
        #expect(answer.threadLevel == 1)
        let edited = try await db.messages.edit(id: question.id, content: "Here's my code: const x = 2;")
        #expect(try edited.decodedEditHistory().map(\.previousContent) == ["Here's my code: const x = 1; What do you think?"])
        #expect(try answer.decodedMetadata().tokens?.total == 42)
        let dashboard = try await db.sessions.dashboard(userId: user.id).items
        #expect(dashboard.map { $0.session.title } == ["Project planning"] && dashboard[0].session.messageCount == 2)
        #expect(dashboard[0].lastMessage?.id == answer.id)
        #expect(try await db.messages.replies(to: question.id).items.map(\.id) == [answer.id])
        #expect(try await db.messages.messages(inSession: chat.id, role: .assistant).items.map(\.id) == [answer.id])
        #expect(try await db.messages.search("code", userId: user.id, sessionId: chat.id, role: .user).map(\.message.id) == [question.id])
        #expect(try await db.sessions.archive([chat.id], userId: user.id) == 1)
        #expect(try await db.messages.markStatus(.delivered, ids: [question.id, answer.id], userId: user.id) == 1, "the answer was delivered already")
        #expect(try await db.messages.messageCountsByRole(userId: user.id) == [.user: 1, .assistant: 1, .system: 0])
        #expect(try await db.messages.tokenUsageByDay(userId: user.id, timeZone: TimeZone(identifier: "Europe/Lisbon")!).map(\.total) == [42])
        #expect(try await db.sessions.messageCounts(userId: user.id).map(\.messages) == [2])
        #expect(try await db.users.find(id: user.id)?.decodedPreferences() == UserPreferences(theme: .dark, language: "en-GB", defaultModel: "gpt-4o"))
        await db.shutdown()
    }
}
