// Generated from README.md (Swift example 9, line 520) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample9(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    var pipeline = PGPipeline()   // transactional: a failure skips the rest and keeps nothing
    for text in texts { pipeline.append("INSERT INTO notes (body) VALUES (\(text))") }
    let results = try await conn.execute(pipeline)    // [Result<PGQueryResult, PGError>]
}
