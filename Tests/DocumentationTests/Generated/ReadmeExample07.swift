// Generated from README.md (Swift example 7, line 492) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample7(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let results = try await conn.textResults("UPDATE messages SET status = status; SELECT id, content FROM messages",
                                             keepingRows: 1_000, cuttingValuesAt: 8_192)
    for result in results { print(result.commandTag, result.rows.count, "of", result.rowCount) }  // UPDATE 2000 0 of 0, SELECT 2000 1000 of 2000
}
