// Generated from README.md (Swift example 31, line 1698) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import PGKit

func readmeExample31(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    for slot in try await PGChangeStream.slots(on: pool) where slot.isLagging(beyond: 1 << 30) {
        print("slot \(slot.name) is \(slot.lagBytes) bytes behind, keeping \(slot.retainedBytes) bytes of WAL")
    }
    try await PGChangeStream.dropSlot("search_indexer", on: pool)
}
