// Generated from README.md (Swift example 34, line 1834) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Repositories

func readmeExample34(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let live = db.observe { repos in try await repos.messages.messages(inSession: sessionID) }
    for try await page in live {
        print(page.items.map(\.content))   // now, then after each insert, edit or delete there
    }
}
