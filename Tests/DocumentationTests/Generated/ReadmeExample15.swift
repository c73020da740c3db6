// Generated from README.md (Swift example 15, line 636) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample15(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let embedding = try PGVector(floats, dimensions: 384)   // throws on NaN, ±infinity or 383 values
    let nearest = try await conn.query("""
        SELECT id, content, 1 - (embedding <=> \(embedding)) AS score
        FROM memories ORDER BY embedding <=> \(embedding) LIMIT 5
        """)

    struct Profile: Codable, Sendable { var name: String; var traits: [String] }
    try await conn.execute("UPDATE character_files SET content = \(PGJSONB(Profile(name: "Ada", traits: ["curious"]))) WHERE id = \(id)")
}
