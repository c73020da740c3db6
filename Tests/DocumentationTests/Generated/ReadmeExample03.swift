// Generated from README.md (Swift example 3, line 385) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import Repositories

func readmeExample3(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let db = Database(pool: PGPool(config: try PGConfig("postgresql://chat_api:...@db/chat")), rowLevelSecurity: true)
    let memories = try await db.memories.memories(forUser: userID)      // sets pgkit.user_id for the call
    try await db.asUser(userID) { repos in                               // or for several calls at once:
        try await repos.messages.createMessage(content: "hi", role: .user, sessionId: sessionID)
    }
}
