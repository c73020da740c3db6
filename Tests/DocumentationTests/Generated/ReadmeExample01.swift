// Generated from README.md (Swift example 1, line 224) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Repositories

func readmeExample1(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let db = try await Database.connect()   // the URL, DATABASE_URL or .env; throws when none is set

    // Seed 001
    let session = try await db.sessions.createSession()
    let message = try await db.messages.createMessage(content: "Hello, world!", role: .user, sessionId: session.id)

    // Seed 002: a user and a first session (30 days) in one transaction
    let (user, first) = try await db.users.createUserWithSession(email: "ada@example.com", name: "Ada")

    // Memories with embeddings, and similarity search scoped to one user
    let embedding = try Vector384(floats)   // exactly 384 finite floats, or a typed error
    let memory = try await db.memories.create(content: "Prefers tea", userId: user.id, sessionId: first.id,
                                              embedding: embedding, importance: 0.7)
    for scored in try await db.memories.findSimilarMemories(to: embedding, userId: user.id, limit: 5) {
        print(scored.memory.content, scored.similarity)        // 1 - cosine distance
    }
    let nearest = try await db.memories.findSimilar(to: embedding, limit: 5)   // L2 distance
    let batch = (0..<1_000).map { n in MemoryInsert(content: "note \(n)", embedding: embedding, userId: user.id) }
    try await db.memories.insertMany(batch)   // binary COPY; MemoryInsert(content:embedding:userId:sessionId:id:importance:)
    let recent = try await db.memories.memories(forUser: user.id)   // a Page: recent.items (20, newest first), recent.nextCursor

    // A session's messages in order, a page at a time (limit capped at 100)
    var page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 50))
    while let cursor = page.nextCursor {
        page = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 50, after: cursor))
    }

    // Full-text search across one user's sessions ("quoted phrases", or, -exclusions), best first
    for hit in try await db.messages.search("vector index", userId: user.id) {
        print(hit.message.content, hit.rank)                     // SearchResult: the Message and its rank
    }

    // Character files: one JSON document per session (a PGJSONValue literal)
    let title = "Guide"
    let file = try await db.characterFiles.upsert(sessionId: first.id, content: ["name": "\(title)", "traits": ["patient"], "level": 3])

    // Specializations
    let coder = try await db.specializations.create(name: "code-review", description: "Reviews code", modelPath: "models/cr.gguf")
    let updated = try await db.specializations.update(id: coder.id, SpecializationUpdate(modelPath: .set("models/cr-v2.gguf")))

    // Several calls in one transaction
    try await db.transaction { tx in
        let user = try await tx.users.create(email: "grace@example.com", name: "Grace")
        _ = try await tx.sessions.createSession(userId: user.id)
    }

    await db.shutdown()
}
