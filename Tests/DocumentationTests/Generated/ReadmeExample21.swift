// Generated from README.md (Swift example 21, line 730) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample21(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let pool = PGPool(config: config, configuration: PGPoolConfiguration(
        minConnections: 2, maxConnections: 10,
        acquireTimeout: .seconds(5), idleTimeout: .seconds(300), maxLifetime: .seconds(1800),
        healthCheckAfterIdle: .seconds(30)))

    let name = try await pool.query("SELECT name FROM users WHERE id = \(id)").scalar(String.self)
    try await pool.withConnection { conn in /* several statements on one connection */ }
    print(pool.statistics)          // 3 open (1 in use, 2 idle), 0 connecting, 0 waiting
    await pool.shutdown()           // in-flight work finishes; waiters fail with .poolClosed
}
