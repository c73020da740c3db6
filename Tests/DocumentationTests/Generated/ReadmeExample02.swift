// Generated from README.md (Swift example 2, line 126) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import Repositories

func readmeExample2(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    /// Tags on messages, through the generated model and the shared RecordStore.
    struct TagRepository {
        let db: Database
        var store: RecordStore<Tag> { RecordStore(executor: db.pool) }

        func tag(_ message: Message, _ label: String) async throws -> Tag {
            try await store.insert(TagInsert(messageId: message.id, label: label))
        }

        /// The labels of a session's messages, with the message text.
        func labels(inSession sessionId: UUID) async throws -> [(content: String, label: String)] {
            try await db.pool.query("""
                SELECT m.content, t.label FROM tags t JOIN messages m ON m.id = t.message_id
                WHERE m.session_id = \(sessionId) ORDER BY t.created_at
                """).decode((String, String).self)
        }
    }

    let db = try await Database.connect()
    let session = try await db.sessions.createSession()
    let message = try await db.messages.createMessage(content: "Hello, tags", role: .user, sessionId: session.id)
    let tags = TagRepository(db: db)
    _ = try await tags.tag(message, "greeting")
    for (content, label) in try await tags.labels(inSession: session.id) { print(label, content) }
    await db.shutdown()
}
