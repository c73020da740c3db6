import Foundation
import PGKit

/// Deterministic sample data for development and the studio: 3 users, 20 sessions (one
/// anonymous), 2,000 messages, character files, 1,000 memories with 384-dimension embeddings
/// and 5 specializations. Seeding twice changes nothing.
public enum SampleData {
    public struct Summary: Sendable, Equatable {
        public var users = 0, sessions = 0, messages = 0, characterFiles = 0, memories = 0, specializations = 0
        public var alreadySeeded = false
    }

    public static let userEmails = ["ada@example.com", "grace@example.com", "alan@example.com"]
    static let userNames = ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    static let sessionsPerUser = [8, 7, 4]
    static let messagesPerSession = 100
    static let memoriesTotal = 1_000
    static let base = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z

    static let topics = [
        "vector search with pgvector", "Swift structured concurrency", "PostgreSQL index tuning", "planning a trip to Lisbon",
        "baking sourdough bread", "learning the cello", "training for a marathon", "refactoring a legacy service",
        "writing a fantasy novel", "budgeting for a new home", "debugging a memory leak", "choosing a mechanical keyboard",
    ]
    static let userLines = [
        "Can you help me with %@?", "I keep getting stuck on %@.", "What is the best way to start %@?",
        "Give me three ideas about %@.", "Summarize what we said about %@.",
    ]
    static let assistantLines = [
        "Here is a step-by-step approach to %@.", "A common pitfall with %@ is skipping the basics.",
        "Let us break %@ into smaller goals.", "Good question: %@ rewards patience and practice.",
        "For %@, measure first, then change one thing at a time.",
    ]

    /// Seeds `db` in one transaction, unless the sample users already exist.
    @discardableResult
    public static func seed(_ connection: PGConnection) async throws -> Summary {
        let existing = try await connection.query("SELECT count(*) FROM users WHERE email = \(userEmails[0])::citext").scalar(Int.self) ?? 0
        if existing > 0 { return Summary(alreadySeeded: true) }
        var random = SplitMix64(seed: 42)
        var summary = Summary()
        try await connection.transaction { tx in
            var userIDs: [UUID] = []
            for (index, email) in userEmails.enumerated() {
                let id = deterministicUUID(&random, at: base.addingTimeInterval(Double(index)))
                try await tx.execute("""
                    INSERT INTO users (id, email, name, created_at, updated_at)
                    VALUES (\(id), \(email), \(userNames[index]), \(base.addingTimeInterval(Double(index))), \(base.addingTimeInterval(Double(index))))
                    """)
                userIDs.append(id)
            }
            summary.users = userIDs.count

            var sessions: [(id: UUID, user: UUID?, created: Date, topic: String)] = []
            for (userIndex, count) in sessionsPerUser.enumerated() {
                for _ in 0..<count {
                    let created = base.addingTimeInterval(Double(sessions.count + 1) * 3_600)
                    sessions.append((deterministicUUID(&random, at: created), userIDs[userIndex], created, topics[Int(random.next() % UInt64(topics.count))]))
                }
            }
            let anonymousCreated = base.addingTimeInterval(Double(sessions.count + 1) * 3_600)
            sessions.append((deterministicUUID(&random, at: anonymousCreated), nil, anonymousCreated, topics[0]))
            summary.sessions = try await tx.copyIn(table: "sessions", columns: ["id", "user_id", "created_at", "updated_at", "expires_at"],
                rows: sessions.map { [$0.id, $0.user, $0.created, $0.created, $0.created.addingTimeInterval(30 * 86_400)] as [any PGEncodable] })

            var messages: [[any PGEncodable]] = []
            for session in sessions {
                for index in 0..<messagesPerSession {
                    // Pairs of messages share a timestamp, as fast exchanges do: pagination must cope.
                    let created = session.created.addingTimeInterval(Double(index / 2) * 30)
                    let role = index == 0 ? "system" : (index % 2 == 1 ? "user" : "assistant")
                    let templates = role == "user" ? userLines : assistantLines
                    let line = role == "system"
                        ? "You are a helpful assistant for \(session.topic)."
                        : String(format: templates[Int(random.next() % UInt64(templates.count))], session.topic)
                    messages.append([deterministicUUID(&random, at: created), session.id, role, line, created])
                }
            }
            summary.messages = try await tx.copyIn(table: "messages", columns: ["id", "session_id", "role", "content", "created_at"], rows: messages)

            for session in sessions where session.user != nil {
                let content: PGJSONValue = [
                    "name": .string("Guide for \(session.topic)"),
                    "personality": ["patient", "precise", "encouraging"],
                    "topic": .string(session.topic),
                    "temperature": 0.7,
                ]
                try await tx.execute("INSERT INTO character_files (session_id, content, created_at, updated_at) VALUES (\(session.id), \(content), \(session.created), \(session.created))")
                summary.characterFiles += 1
            }

            var memories: [[any PGEncodable]] = []
            let userSessions = sessions.filter { $0.user != nil }
            for index in 0..<memoriesTotal {
                let session = userSessions[index % userSessions.count]
                let created = session.created.addingTimeInterval(Double(index) * 60)
                var values = (0..<384).map { _ in random.nextSignedUnitFloat() }
                let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
                values = values.map { $0 / norm }
                let importance = Double(random.next() % 1000) / 1000
                memories.append([deterministicUUID(&random, at: created), "Memory \(index + 1) about \(session.topic)",
                                 try PGVector(values, dimensions: 384), importance, created, session.user!, session.id])
            }
            summary.memories = try await tx.copyIn(table: "memories",
                columns: ["id", "content", "embedding", "importance", "created_at", "user_id", "session_id"], rows: memories)

            let specializations = [
                ("code-review", "Reviews Swift and SQL changes", "models/code-review-7b.gguf"),
                ("travel-planner", "Plans trips and itineraries", "models/travel-3b.gguf"),
                ("sous-chef", "Recipes and cooking techniques", "models/chef-3b.gguf"),
                ("study-buddy", "Explains and quizzes", "models/tutor-7b.gguf"),
                ("fitness-coach", "Training plans", "models/coach-3b.gguf"),
            ]
            for (index, specialization) in specializations.enumerated() {
                let created = base.addingTimeInterval(Double(index) * 60)
                try await tx.execute("""
                    INSERT INTO specializations (id, name, description, model_path, created_at, updated_at)
                    VALUES (\(deterministicUUID(&random, at: created)), \(specialization.0), \(specialization.1), \(specialization.2), \(created), \(created))
                    """)
            }
            summary.specializations = specializations.count
        }
        return summary
    }

    /// A version-7 UUID for `date` whose random bits come from `random`.
    static func deterministicUUID(_ random: inout SplitMix64, at date: Date) -> UUID {
        let milliseconds = UInt64(date.timeIntervalSince1970 * 1000)
        let bits = (random.next(), random.next())
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> UInt64(40 - index * 8)) }
        for index in 6..<16 {
            let source = index < 11 ? bits.0 : bits.1
            bytes[index] = UInt8(truncatingIfNeeded: source >> UInt64((index % 8) * 8))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
