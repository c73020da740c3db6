import Foundation
import PGKit

/// Deterministic sample data for development and the studio: 3 users (with images and
/// preferences), 20 sessions (one anonymous; titles, models, system prompts, settings, tags,
/// three archived), 2,000 messages (typed parts, metadata with models and tokens, statuses,
/// threads of replies up to three levels deep, edits with their history), character files,
/// 1,000 memories with 384-dimension embeddings and 5 specializations. Seeding twice changes
/// nothing.
public enum SampleData {
    public struct Summary: Sendable, Equatable {
        public var users = 0, sessions = 0, messages = 0, characterFiles = 0, memories = 0, specializations = 0
        /// Of the messages: replies in threads, and messages edited at least once.
        public var replies = 0, editedMessages = 0
        public var alreadySeeded = false
    }

    public static let userEmails = ["ada@example.com", "grace@example.com", "alan@example.com"]
    static let userNames = ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    static let userPreferences = [
        UserPreferences(theme: .dark, language: "en-GB", defaultModel: "gpt-4o", enableNotifications: true),
        UserPreferences(theme: .light, language: "en-US", defaultModel: "claude-3-5-sonnet-20241022"),
        UserPreferences(theme: .system, language: "en", enableNotifications: false),
    ]
    static let models = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "meta-llama/Llama-3.1-8B-Instruct"]
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
        // The fields of migration 0004 draw from their own stream, so the values above stay
        // what they were before those fields existed.
        var chat = SplitMix64(seed: 4_242)
        var summary = Summary()
        try await connection.transaction { tx in
            var userIDs: [UUID] = []
            for (index, email) in userEmails.enumerated() {
                let id = deterministicUUID(&random, at: base.addingTimeInterval(Double(index)))
                let created = base.addingTimeInterval(Double(index))
                try await tx.execute("""
                    INSERT INTO users (id, email, name, created_at, updated_at, image, preferences, is_active, last_active_at)
                    VALUES (\(id), \(email), \(userNames[index]), \(created), \(created),
                            \("https://avatars.example.com/\(email.prefix { $0 != "@" }).png"), \(userPreferences[index].json),
                            \(index != 2), \(base.addingTimeInterval(Double(40 - index * 10) * 86_400)))
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
            let sessionRows: [[any PGEncodable]] = sessions.enumerated().map { index, session in
                let settings = SessionSettings(temperature: [0.2, 0.7, 1.0][Int(chat.next() % 3)], maxTokens: [1_000, 2_000, 4_000][Int(chat.next() % 3)],
                                               topP: chat.next() % 2 == 0 ? 0.9 : nil)
                let words = session.topic.split(separator: " ").map(String.init).filter { $0.count > 4 }
                return [session.id, session.user, session.created, session.created, session.created.addingTimeInterval(30 * 86_400),
                        session.topic.prefix(1).uppercased() + session.topic.dropFirst(), models[Int(chat.next() % UInt64(models.count))],
                        "You are a helpful assistant for \(session.topic).", settings.json,
                        session.user != nil && index % 7 == 6, Array(words.prefix(2))]
            }
            summary.sessions = try await tx.copyIn(table: "sessions", columns: ["id", "user_id", "created_at", "updated_at", "expires_at",
                                                                                "title", "model", "system_prompt", "settings", "is_archived", "tags"],
                                                   rows: sessionRows)

            var messages: [[any PGEncodable]] = []
            for session in sessions {
                // Each assistant message answers the user message before it (a thread); now and
                // then a user follows up on the answer, and the assistant answers that too.
                var previous: (id: UUID, level: Int)?
                for index in 0..<messagesPerSession {
                    // Pairs of messages share a timestamp, as fast exchanges do: pagination must cope.
                    let created = session.created.addingTimeInterval(Double(index / 2) * 30)
                    let role = index == 0 ? "system" : (index % 2 == 1 ? "user" : "assistant")
                    let templates = role == "user" ? userLines : assistantLines
                    let line = role == "system"
                        ? "You are a helpful assistant for \(session.topic)."
                        : String(format: templates[Int(random.next() % UInt64(templates.count))], session.topic)
                    let id = deterministicUUID(&random, at: created)
                    let sample = SampleMessage(chat.next(), role: role, line: line, topic: session.topic, created: created)
                    var parent: UUID?
                    if role == "assistant", let previous {
                        parent = previous.id
                    } else if role == "user", let previous, previous.level < 3, sample.followsUp {
                        parent = previous.id
                    }
                    messages.append([id, session.id, role, MessagePart.flattenedText(of: sample.parts).isEmpty ? line : MessagePart.flattenedText(of: sample.parts),
                                     created, MessagePart.json(sample.parts), sample.metadata(model: models[Int(chat.next() % UInt64(models.count))]).json,
                                     sample.status, parent, MessageEdit.json(sample.edits), sample.edits.last.map { $0.timestamp }])
                    if parent != nil { summary.replies += 1 }
                    if !sample.edits.isEmpty { summary.editedMessages += 1 }
                    let level = parent == nil ? 0 : (previous?.level ?? 0) + 1
                    previous = role == "system" ? nil : (id, level)
                }
            }
            summary.messages = try await tx.copyIn(table: "messages", columns: ["id", "session_id", "role", "content", "created_at", "parts",
                                                                                "metadata", "status", "parent_message_id", "edit_history", "edited_at"],
                                                   rows: messages)

            for session in sessions where session.user != nil {
                let content: PGJSONValue = [
                    "name": .string("Guide for \(session.topic)"),
                    "personality": ["patient", "precise", "encouraging"],
                    "topic": .string(session.topic),
                    "temperature": 0.7,
                ]
                // Its own key too (it was the database's random default once, so seeds differed).
                try await tx.execute("""
                    INSERT INTO character_files (id, session_id, content, created_at, updated_at)
                    VALUES (\(deterministicUUID(&chat, at: session.created)), \(session.id), \(content), \(session.created), \(session.created))
                    """)
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

/// The fields of migration 0004 for one sample message, drawn from one random number.
private struct SampleMessage {
    let bits: UInt64
    let role: String
    let line: String
    let topic: String
    let created: Date

    init(_ bits: UInt64, role: String, line: String, topic: String, created: Date) {
        self.bits = bits
        self.role = role
        self.line = line
        self.topic = topic
        self.created = created
    }

    private func draw(_ shift: UInt64, _ range: UInt64) -> Int { Int((bits >> shift) % range) }

    /// A user who follows up on the answer instead of starting over (one in four).
    var followsUp: Bool { draw(0, 4) == 0 }

    /// Most messages are text alone (no parts); one user message in six shares code, one in
    /// ten an image or a file.
    var parts: [MessagePart] {
        guard role == "user" else { return [] }
        switch draw(8, 30) {
        case 0..<5:
            return [.text(line), .code(language: "swift", code: "let topic = \"\(topic)\"\nprint(topic)", filename: "Notes.swift"), .text("Does this look right?")]
        case 5..<8:
            return [.text(line), .image(url: "https://images.example.com/\(draw(16, 1000)).png", alt: "a sketch about \(topic)", width: 800, height: 600)]
        case 8:
            return [.text(line), .file(id: "files/\(draw(16, 100_000))", name: "\(topic.replacingOccurrences(of: " ", with: "-")).pdf",
                                      mimeType: "application/pdf", size: Int64(10_000 + draw(24, 5_000_000)))]
        default:
            return []
        }
    }

    /// Assistant messages record their model, tokens, time and temperature; one in forty failed.
    func metadata(model: String) -> MessageMetadata {
        guard role == "assistant" else { return MessageMetadata() }
        let prompt = 20 + draw(32, 400), completion = 40 + draw(40, 800)
        var metadata = MessageMetadata(model: model, tokens: .init(prompt: prompt, completion: completion),
                                       processingTime: Double(200 + draw(48, 3_000)), temperature: 0.7)
        if isError {
            metadata.error = .init(code: "rate_limited", message: "The model is busy; try again in a minute.", timestamp: created)
            metadata.tokens = nil
        }
        return metadata
    }

    private var isError: Bool { role == "assistant" && draw(56, 40) == 0 }

    var status: String {
        if isError { return MessageStatus.error.rawValue }
        return role == "system" ? MessageStatus.sent.rawValue : MessageStatus.delivered.rawValue
    }

    /// One user message in about twelve was edited: sent without its last character first.
    var edits: [MessageEdit] {
        guard role == "user", parts.isEmpty, draw(58, 12) == 0 else { return [] }
        return [MessageEdit(previousContent: String(line.dropLast()), timestamp: created.addingTimeInterval(12))]
    }
}
