// Generated from README.md (Swift example 20, line 722) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample20(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let nearest = try await conn.transaction(.init(settings: ["hnsw.ef_search": "100"])) { tx in
        try await tx.query("SELECT id FROM memories ORDER BY embedding <=> \(embedding) LIMIT 10")
    }
}
