// Generated from README.md (Swift example 22, line 777) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample22(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let shared = PGPool(config: config, configuration: PGPoolConfiguration(
        maxConnections: 4, pipelinesStatements: true))
    let email = try await shared.query("SELECT email FROM users WHERE id = \(id)").scalar(String.self)
}
