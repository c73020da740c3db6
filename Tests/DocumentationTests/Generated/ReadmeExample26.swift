// Generated from README.md (Swift example 26, line 1421) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Repositories

func readmeExample26(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    let content = "Hello"
    do {
        try await db.transaction(.init(retry: .attempts(5))) { tx in
            try await tx.messages.createMessage(content: content, role: .user, sessionId: sessionID)
        }
    } catch let error as PGError where error.kind == .outcomeUnknown {
        // Committed or not: check before redoing it (here, whether the session has that message).
        let page = try await db.messages.messages(inSession: sessionID)
        if !page.items.contains(where: { $0.content == content }) {
            try await db.messages.createMessage(content: content, role: .user, sessionId: sessionID)
        }
    }
}
