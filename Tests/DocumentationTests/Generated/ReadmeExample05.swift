// Generated from README.md (Swift example 5, line 459) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample5(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    struct User: Decodable { var id: UUID; var email: String; var name: String?; var createdAt: Date }
    let users = try await conn.query("SELECT * FROM users").decode(User.self)

    struct Point: PGRowDecodable {
        var x: Int32, y: Int32
        init(row: PGRow) throws { (x, y) = try row.decode((Int32, Int32).self) }
    }
}
