// Generated from README.md (Swift example 24, line 847) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import LocalPostgres
import PGKit

func readmeExample24(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    if let (config, source) = try PGConfig.resolve() { print(config, "from", source) }   // password shown as ********
    let (local, _) = try await PGConfig.resolveOrStartLocal()   // development only
}
