// Generated from README.md (Swift example 32, line 1739) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Repositories

func readmeExample32(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let messages = try await db.live.messages(inSession: sessionID, userId: userID)
    for try await change in messages {
        switch change {
        case .inserted(let message), .updated(let message):
            print("show", message.id, message.content, message.status)
        case .deleted(let message):
            print("remove", message.id)   // the row as it was last
        case .mayHaveMissedChanges(let gap):
            print("reload the session's messages:", gap)
        }
    }
    // Here the session was deleted or given to another user (or db.shutdown() ran).

    for try await change in try await db.live.sessions(forUser: userID) {   // the sidebar
        print(change.record?.title ?? "reload the sidebar")
    }
    let memories = try await db.live.memories(forUser: userID)   // the same, for a user's memories
    memories.cancel()
}
