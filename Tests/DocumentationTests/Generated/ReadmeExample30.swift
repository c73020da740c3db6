// Generated from README.md (Swift example 30, line 1632) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit
import Repositories

func readmeExample30(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    try await PGChangeStream.createPublication("chat_changes", tables: ["messages", "sessions"], on: pool)
    let changes = try await PGChangeStream.connect(config, slot: "search_indexer", publication: "chat_changes")
    for try await event in changes {
        switch event {
        case .begin(let begin):
            print("transaction", begin.xid, "committed at", begin.commitTime)
        case .change(let change) where change.table == "messages":
            if let row = change.newRow {
                let message = try Message(row: row)   // the generated model decodes changes too
                print(change.operation, message.id, message.content)
            } else if let old = change.oldRow {
                print("deleted", try old.decode(UUID.self, column: "id"))   // the key, per replica identity
            }
        case .commit(let commit):
            changes.acknowledge(commit)   // handled: a restarted consumer resumes after it
        case .reconnected(let error):
            print("reconnected after", error)   // a transaction begun and not committed comes again
        default:
            break
        }
    }
}
