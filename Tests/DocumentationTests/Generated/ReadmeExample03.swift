// Generated from README.md (Swift example 3, line 161) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import PGKitTesting
import Repositories
import Testing

func readmeExample3(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    @testable import ChatApp

    @Test(.freshDatabase) func tagsAMessage() async throws {
        let db = try PGTestDatabase.current
        let session = try await db.sessions.createSession()
        let message = try await db.messages.createMessage(content: "hi", role: .user, sessionId: session.id)
        let tag = try await TagRepository(db: db).tag(message, "x")    // ChatApp.Tag (Swift Testing has a Tag too)
        #expect(tag.label == "x")
        #expect(try await TagRepository(db: db).labels(inSession: session.id).map(\.label) == ["x"])
    }
    // XCTest, or a suite's own database: try await PGTestDatabase.withDatabase { db in ... }
}
