import Foundation
import PGKit
import Repositories
import Testing

@Suite struct MessageRepositoryTests {
    static let database = ChatDatabase("messages")

    @Test func createsCountsAndRejectsBadInput() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            let message = try await db.messages.createMessage(content: "Hello, world!", role: .user, sessionId: session.id)
            #expect(message.role == "user")
            #expect(try await db.messages.find(id: message.id) == message)
            #expect(try await db.messages.count(inSession: session.id) == 1)
            let tooLong = String(repeating: "é", count: 100_001)
            await #expect(throws: RepositoryError.contentTooLong(limit: 100_000, length: 100_001)) {
                try await db.messages.createMessage(content: tooLong, role: .user, sessionId: session.id)
            }
            let exactly = try await db.messages.createMessage(content: String(repeating: "é", count: 100_000), role: .assistant, sessionId: session.id)
            #expect(exactly.content.count == 100_000)
            let missing = UUID()
            await #expect(throws: RepositoryError.unknownSession(missing)) {
                try await db.messages.createMessage(content: "x", role: .user, sessionId: missing)
            }
            #expect(try await db.messages.count(inSession: session.id) == 2)
            try await db.messages.delete(id: message.id)
            #expect(try await db.messages.count(inSession: session.id) == 1)
        }
    }

    @Test func paginationCrossesPageBoundariesWithEqualTimestamps() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            // 25 messages in one transaction share one created_at (now() is the transaction's time).
            let ids = try await db.transaction { tx in
                var ids: [UUID] = []
                for index in 0..<25 { ids.append(try await tx.messages.createMessage(content: "m\(index)", role: .user, sessionId: session.id).id) }
                return ids
            }
            var seen: [UUID] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 7, after: cursor))
                #expect(page.items.count <= 7)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 4)
            #expect(seen == ids, "every message exactly once, in order (UUIDv7 breaks timestamp ties)")
            #expect(Set(seen).count == 25)
        }
    }

    @Test func tamperedCursorsAreTypedErrors() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            for index in 0..<3 { _ = try await db.messages.createMessage(content: "m\(index)", role: .user, sessionId: session.id) }
            let page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 1))
            let cursor = try #require(page.nextCursor)
            let forged = Data(#"{"column":"created_at","descending":false,"value":"'; DROP TABLE messages; --","key":"x"}"#.utf8).base64EncodedString()
            for bad in ["garbage", String(cursor.dropLast(3)) + "zzz", forged, String(repeating: "A", count: 5000)] {
                await #expect(throws: RepositoryError.invalidCursor) {
                    try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 1, after: bad))
                }
            }
            #expect(try await db.messages.count(inSession: session.id) == 3)
        }
    }

    @Test func limitsAreCappedAt100() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            try await db.pool.execute("INSERT INTO messages (session_id, role, content) SELECT \(session.id), 'user', 'bulk ' || g FROM generate_series(1, 150) g")
            let page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 1000))
            #expect(page.items.count == 100)
            #expect(page.nextCursor != nil)
        }
    }

    @Test func fullTextSearchStaysWithinOneUsersSessions() async throws {
        try await Self.database.with { db throws in
            let ada = try await db.users.create(email: uniqueEmail("ada"))
            let alan = try await db.users.create(email: uniqueEmail("alan"))
            let adaSession = try await db.sessions.createSession(userId: ada.id)
            let alanSession = try await db.sessions.createSession(userId: alan.id)
            _ = try await db.messages.createMessage(content: "Indexing vectors with HNSW graphs is fast", role: .user, sessionId: adaSession.id)
            _ = try await db.messages.createMessage(content: "I baked bread today", role: .user, sessionId: adaSession.id)
            _ = try await db.messages.createMessage(content: "My vector index is slow", role: .user, sessionId: alanSession.id)
            let results = try await db.messages.search("vector index", userId: ada.id)
            #expect(results.map(\.message.content) == ["Indexing vectors with HNSW graphs is fast"], "stemming matches vectors/indexing")
            #expect(results.allSatisfy { $0.rank > 0 })
            #expect(try await db.messages.search("bread -sourdough", userId: ada.id).count == 1)
            #expect(try await db.messages.search("bread", userId: alan.id).isEmpty)
        }
    }
}
