// Generated from README.md (Swift example 18, line 696) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample18(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let userID = try await conn.transaction { tx in
        let id = try await tx.query("INSERT INTO users (email) VALUES (\(email)) RETURNING id").scalar(UUID.self)!
        try await tx.execute("INSERT INTO sessions (user_id) VALUES (\(id))")
        return id
    }
}
