// Generated from README.md (Swift example 27, line 1521) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Logging
import PGKit
import ServiceLifecycle

func readmeExample27(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    var config = try PGConfig("postgresql://chat_api:...@db/chat")
    config.observability.dimensions = [("pool", "primary")]     // added to every metric: keep it fixed
    let pool = PGPool(config: config, configuration: PGPoolConfiguration(maxConnections: 16, shutdownGracePeriod: .seconds(25)))
    let group = ServiceGroup(configuration: .init(services: [pool], gracefulShutdownSignals: [.sigterm], logger: Logger(label: "app")))
    try await group.run()   // returns after SIGTERM, once the pool has drained
}
