// Generated from README.md (Swift example 25, line 1365) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Repositories

func readmeExample25(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let replicated = PGReplicatedPool(
        primary: try PGConfig("postgresql://app@db-primary/chat"),
        replicas: [try PGConfig("postgresql://app@db-replica-1/chat"), try PGConfig("postgresql://app@db-replica-2/chat")],
        maxReplicaLag: .seconds(5))
    let db = Database(replicated: replicated)

    try await db.messages.createMessage(content: "hi", role: .user, sessionId: sessionID)      // primary
    let page = try await db.readOnly { try await $0.messages.messages(inSession: sessionID) }   // a replica
    let mine = try await db.messages.messages(inSession: sessionID)   // read your own write: the primary
    let count = try await replicated.read { try await $0.query("SELECT count(*) FROM messages").scalar(Int.self) }
}
