// Generated from README.md (Swift example 13, line 556) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample13(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let file = FileHandle(forWritingAtPath: "notes.csv")!
    try await conn.copyOut("COPY notes TO STDOUT (FORMAT csv, HEADER)") { file.write(Data($0)) }
}
