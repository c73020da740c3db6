// Generated from README.md (Swift example 23, line 816) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample23(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    do {
        try await conn.execute("INSERT INTO users (email) VALUES (\(email))")
    } catch let error as PGError where error.sqlState == .uniqueViolation {
        print("taken:", error.constraint ?? "", error.detail ?? "")
    }
}
