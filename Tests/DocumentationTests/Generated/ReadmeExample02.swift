// Generated from README.md (Swift example 2, line 301) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import Repositories

func readmeExample2(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let db = try await Database.connect()
    let user = try await db.users.create(email: "ada@example.com", name: "Ada Lovelace",
                                         preferences: UserPreferences(theme: .dark, language: "en-GB"))
    try await db.users.setPreference(.defaultModel("gpt-4o"), userId: user.id)   // one key: jsonb_set on its path

    let chat = try await db.sessions.createSession(userId: user.id, title: "Project planning", model: "gpt-4o",
                                                   systemPrompt: "You are a helpful project planning assistant.",
                                                   settings: SessionSettings(temperature: 0.7, maxTokens: 2000), tags: ["work"])

    // Typed parts; `content` becomes their text ("Here's my code: const x = 1; What do you think?"), which search indexes
    let question = try await db.messages.createMessage(parts: [
        .text("Here's my code:"), .code(language: "typescript", code: "const x = 1;"), .text("What do you think?"),
    ], role: .user, sessionId: chat.id)
    let answer = try await db.messages.reply(to: question.id, content: "Looks fine.", role: .assistant,   // thread level 1
                                             metadata: MessageMetadata(model: "gpt-4o", tokens: .init(prompt: 12, completion: 30)),
                                             status: .delivered)
    let edited = try await db.messages.edit(id: question.id, content: "Here's my code: const x = 2;")
    let history = try edited.decodedEditHistory()              // [MessageEdit]: the previous content (and parts), when
    let used = try answer.decodedMetadata().tokens?.total       // 42

    // Seed 003's access patterns
    for entry in try await db.sessions.dashboard(userId: user.id).items {        // a Page: not archived, most recent first
        print(entry.session.title ?? "", entry.session.messageCount, entry.lastMessage?.content ?? "")
    }
    let thread = try await db.messages.replies(to: question.id)                  // a Page of direct replies, oldest first
    let answers = try await db.messages.messages(inSession: chat.id, role: .assistant)
    let hits = try await db.messages.search("code", userId: user.id, sessionId: chat.id, role: .user)

    // Seed 004's operations, for one user: bulk updates return how many rows changed
    let archived = try await db.sessions.archive([chat.id], userId: user.id)     // unarchive(_:userId:) too
    let marked = try await db.messages.markStatus(.delivered, ids: [question.id, answer.id], userId: user.id)
    let byRole = try await db.messages.messageCountsByRole(userId: user.id)      // [.user: 1, .assistant: 1, .system: 0]
    let perDay = try await db.messages.tokenUsageByDay(userId: user.id, timeZone: TimeZone(identifier: "Europe/Lisbon")!)
    let perSession = try await db.sessions.messageCounts(userId: user.id)
}
