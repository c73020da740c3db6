// Generated from README.md (Swift example 19, line 712) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample19(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    try await pool.transaction(.init(isolation: .serializable, retry: .attempts(5))) { tx in
        // read, decide, write; rerun from the top if PostgreSQL reports a conflict
    }
}
