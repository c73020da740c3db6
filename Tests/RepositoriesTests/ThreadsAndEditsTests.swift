import Foundation
import PGKit
import Repositories
import Testing

/// Replies in threads, edits with their history, statuses, and reading a session by role.
@Suite struct ThreadsAndEditsTests {
    static let database = ChatDatabase("threads_edits")

    @Test func repliesFormThreadsThatOutliveTheirParent() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let session = try await db.sessions.createSession(userId: user.id)
            let question = try await db.messages.createMessage(content: "question", role: .user, sessionId: session.id)
            let answer = try await db.messages.reply(to: question.id, content: "answer", role: .assistant,
                                                     metadata: MessageMetadata(model: "gpt-4o"), status: .sending, userId: user.id)
            #expect(answer.sessionId == session.id && answer.parentMessageId == question.id && answer.threadLevel == 1)
            #expect(try answer.messageStatus == .sending && answer.decodedMetadata().model == "gpt-4o")
            let followUp = try await db.messages.reply(to: question.id, parts: [.text("and"), .code(language: "sql", code: "SELECT 1")], role: .user)
            let nested = try await db.messages.reply(to: answer.id, content: "nested", role: .user)
            #expect(nested.threadLevel == 2 && followUp.content == "and SELECT 1")
            let replies = try await db.messages.replies(to: question.id)
            #expect(replies.items.map(\.id) == [answer.id, followUp.id], "direct replies, oldest first")
            let paged = try await db.messages.replies(to: question.id, page: PageRequest(limit: 1))
            #expect(paged.items.map(\.id) == [answer.id])
            #expect(try await db.messages.replies(to: question.id, page: PageRequest(limit: 1, after: paged.nextCursor)).items.map(\.id) == [followUp.id])
            // Another user cannot reply into this thread.
            let stranger = try await db.users.create(email: uniqueEmail())
            await #expect(throws: RepositoryError.unknownMessage(question.id)) {
                try await db.messages.reply(to: question.id, content: "hi", role: .user, userId: stranger.id)
            }
            // Deleting the question orphans its replies (seed 003), which keep their level.
            try await db.messages.delete(id: question.id)
            let orphan = try #require(try await db.messages.find(id: answer.id))
            #expect(orphan.parentMessageId == nil && orphan.threadLevel == 1)
            #expect(try await db.messages.find(id: nested.id)?.parentMessageId == answer.id)
            #expect(try await db.messages.replies(to: question.id).items.isEmpty)
            #expect(try await db.sessions.find(id: session.id)?.messageCount == 3)
        }
    }

    @Test func editsKeepTheHistory() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let session = try await db.sessions.createSession(userId: user.id)
            let original = try await db.messages.createMessage(content: "Helo", role: .user, sessionId: session.id)
            #expect(try original.editedAt == nil && original.decodedEditHistory().isEmpty)
            let started = Date()
            let fixed = try await db.messages.edit(id: original.id, content: "Hello", userId: user.id)
            let withParts = try await db.messages.edit(id: original.id, parts: [.text("Hello,"), .code(language: "swift", code: "print(1)")])
            let back = try await db.messages.edit(id: original.id, content: "Hello again")
            #expect(fixed.content == "Hello" && withParts.content == "Hello, print(1)" && back.content == "Hello again")
            #expect(try back.decodedParts().isEmpty, "a text edit makes it a text message")
            let history = try back.decodedEditHistory()
            #expect(history.map(\.previousContent) == ["Helo", "Hello", "Hello, print(1)"])
            #expect(history.map(\.previousParts) == [[], [], [.text("Hello,"), .code(language: "swift", code: "print(1)")]])
            #expect(history.allSatisfy { $0.timestamp >= started.addingTimeInterval(-1) && $0.timestamp <= Date().addingTimeInterval(1) })
            #expect(zip(history, history.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }, "oldest first")
            #expect(back.editedAt != nil && back.editedAt! >= fixed.editedAt!)
            // A status change is not an edit.
            let delivered = try await db.messages.markStatus(.delivered, id: original.id, userId: user.id)
            #expect(try delivered.messageStatus == .delivered && delivered.decodedEditHistory().count == 3)
            // Another user's edits and marks find nothing.
            let stranger = try await db.users.create(email: uniqueEmail())
            await #expect(throws: RepositoryError.notFound(table: "messages", id: original.id.uuidString)) {
                try await db.messages.edit(id: original.id, content: "pwned", userId: stranger.id)
            }
            await #expect(throws: RepositoryError.notFound(table: "messages", id: original.id.uuidString)) {
                try await db.messages.markStatus(.deleted, id: original.id, userId: stranger.id)
            }
            #expect(try await db.messages.find(id: original.id)?.content == "Hello again")
            await #expect(throws: RepositoryError.emptyMessage) { try await db.messages.edit(id: original.id, content: "") }
        }
    }

    @Test func aSessionsMessagesOfOneRole() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            var assistant: [UUID] = []
            for index in 0..<9 {
                let role: MessageRole = index % 3 == 0 ? .assistant : .user
                let message = try await db.messages.createMessage(content: "m\(index)", role: role, sessionId: session.id)
                if role == .assistant { assistant.append(message.id) }
            }
            var seen: [UUID] = []
            var page = try await db.messages.messages(inSession: session.id, role: .assistant, page: PageRequest(limit: 2))
            seen += page.items.map(\.id)
            while let cursor = page.nextCursor {
                page = try await db.messages.messages(inSession: session.id, role: .assistant, page: PageRequest(limit: 2, after: cursor))
                seen += page.items.map(\.id)
            }
            #expect(seen == assistant)
            #expect(try await db.messages.messages(inSession: session.id).items.count == 9)
        }
    }

    @Test func searchFiltersBySessionAndRole() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let first = try await db.sessions.createSession(userId: user.id)
            let second = try await db.sessions.createSession(userId: user.id)
            let asked = try await db.messages.createMessage(content: "how do vector indexes work", role: .user, sessionId: first.id)
            let answered = try await db.messages.createMessage(content: "vector indexes use graphs", role: .assistant, sessionId: first.id)
            let elsewhere = try await db.messages.createMessage(parts: [.text("a vector"), .image(url: "u", alt: "index diagram")], role: .user, sessionId: second.id)
            #expect(Set(try await db.messages.search("vector index", userId: user.id).map(\.message.id)) == [asked.id, answered.id, elsewhere.id])
            #expect(Set(try await db.messages.search("vector index", userId: user.id, sessionId: first.id).map(\.message.id)) == [asked.id, answered.id])
            #expect(try await db.messages.search("vector index", userId: user.id, sessionId: first.id, role: .assistant).map(\.message.id) == [answered.id])
            #expect(try await db.messages.search("diagram", userId: user.id, role: .user).map(\.message.id) == [elsewhere.id], "a part's alt text is searchable")
            let stranger = try await db.users.create(email: uniqueEmail())
            #expect(try await db.messages.search("vector", userId: stranger.id, sessionId: first.id).isEmpty)
        }
    }
}
