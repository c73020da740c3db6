// Generated from README.md (Swift example 35, line 1859) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import PGKit

func readmeExample35(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let feed = try await PGChangeFeed.start(config, publication: "chat_changes")
    let count = feed.observe {
        PGReadTracking.record(.rows(of: "messages", where: [.equals("session_id", sessionID)]))
        return try await pool.query("SELECT count(*) FROM messages WHERE session_id = \(sessionID)").scalar(Int.self) ?? 0
    }
    for try await messages in count { print(messages, "messages") }
}
