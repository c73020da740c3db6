// Generated from README.md (Swift example 14, line 619) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample14(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let day = try PGDate(year: 2026, month: 12, day: 1)
    let wall = try PGTimestamp(year: 2026, month: 12, day: 1, hour: 9, minute: 30)
    let amount = try PGNumeric(parsing: "12345678901234567890123456789012345678901234567890.25")
    let row = try await conn.query("SELECT \(day)::date, \(wall)::timestamp, \(amount)::numeric, interval '1 mon 2 days'").first!
    let (readDay, readWall, readAmount, interval) = try row.decode((PGDate, PGTimestamp, PGNumeric, PGInterval).self)
    print(readDay, readWall, readAmount, interval)   // 2026-12-01 2026-12-01 09:30:00 1234...0.25 1 mon 2 days
    let nearest = Double(readAmount)                 // correctly rounded
    let tooBig = try? Decimal(exactly: readAmount)   // nil: 52 digits do not fit Decimal's 38
}
