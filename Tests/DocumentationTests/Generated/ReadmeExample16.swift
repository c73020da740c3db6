// Generated from README.md (Swift example 16, line 659) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample16(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let office = try PGCIDR("192.168.0.0/24")
    let logins = try await conn.query("SELECT id FROM logins WHERE address << \(office)")

    let hours = try PGRange(Int32(9)..<17)                       // [9,17); Int32(9)...17 is [9,18)
    let clashes = try await conn.query("SELECT count(*) FROM bookings WHERE slot && \(hours)").scalar(Int.self)

    let search = try PGTSQuery("vector & (index | search:*)")   // 'vector' & ( 'index' | 'search':* )
    let hits = try await conn.query("SELECT id FROM messages WHERE to_tsvector('english', content) @@ \(search)")

    enum Mood: String, PGEnum {                                  // CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')
        static let pgEnumTypeName = "mood"
        case sad, ok, happy
    }
    try await conn.execute("UPDATE people SET mood = \(Mood.happy) WHERE name = 'Ada'")

    let half = try PGHalfVector(floats)                           // rounded to Float16; NaN, ±inf, |x| > 65504 refused
    let sparse = try PGSparseVector(dimensions: 30_000, elements: [17: 0.5, 2_048: 1.25])
}
