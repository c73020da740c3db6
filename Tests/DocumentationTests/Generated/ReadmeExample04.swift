// Generated from README.md (Swift example 4, line 430) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample4(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let config = try PGConfig("postgresql://app:secret@localhost:5432/chat")
    let conn = try await PGConnection.connect(config)

    // Interpolated values are bound parameters ($1, $2...), never spliced into the SQL.
    let email = "ada@example.com"
    let rows = try await conn.query("SELECT id, name, created_at FROM users WHERE email = \(email)")
    for row in rows {
        let (id, name, createdAt) = try row.decode((UUID, String, Date).self)
        print(id, name, createdAt)
    }

    // The explicit form takes the parameters as an array.
    let count = try await conn.query("SELECT count(*) FROM users WHERE created_at > $1", [Date(timeIntervalSinceNow: -86_400)])
        .scalar(Int.self)

    // execute returns the number of rows affected.
    let deleted = try await conn.execute("DELETE FROM sessions WHERE expires_at < now()")

    await conn.close()
}
