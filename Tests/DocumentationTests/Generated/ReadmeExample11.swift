// Generated from README.md (Swift example 11, line 540) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample11(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let insert = "INSERT INTO notes (body) VALUES ($1)"
    var batch = PGPipeline()
    for text in texts { batch.append(insert, [text]) }
    _ = try await conn.execute(batch)
}
