// Generated from README.md (Swift example 33, line 1809) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample33(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let feed = try await PGChangeFeed.start(config, publication: "chat_changes")
    let subscription = try feed.subscribe(tables: ["messages"]) { change in
        (try? (change.newRow ?? change.oldRow)?.decode(UUID.self, column: "session_id")) == sessionID
    }
    // Only what commits from here on (without it: from the next transaction the feed reads).
    subscription.skipTransactions(committedBefore: try await PGChangeFeed.currentPosition(on: pool))
    for try await event in subscription {
        switch event {
        case .transaction(let transaction):
            print(transaction.commit.commitTime, transaction.changes.map(\.operation))
        case .mayHaveMissedChanges(let gap):
            print("reload:", gap)
        }
    }
    await feed.close()
}
