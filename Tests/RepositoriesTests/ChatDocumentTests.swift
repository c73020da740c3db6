import Foundation
import PGKit
import Repositories
import Testing

/// The JSON shapes' Swift types: stored through the repositories and read back equal, the
/// stored jsonb equal to the type's JSON, the same through `Codable`, and malformed documents
/// refused with typed errors.
@Suite struct ChatDocumentTests {
    static let database = ChatDatabase("chat_documents")

    static let parts: [MessagePart] = [
        .text("Here's my code:"), .code(language: "typescript", code: "const x = 1;\nconsole.log(x)", filename: "x.ts"),
        .image(url: "https://example.com/a.png", alt: "a diagram", width: 640, height: 480), .image(url: "https://example.com/b.png"),
        .file(id: "storage/123", name: "report.pdf", mimeType: "application/pdf", size: 104_857_600), .text("What do you think? 💥 \"quoted\" \\"),
    ]
    /// Doubles whose shortest text is long or small: each must come back bit for bit.
    static let metadata = MessageMetadata(model: "gpt-4o", tokens: .init(prompt: 12, completion: 30), processingTime: 0.1 + 0.2,
                                          temperature: 1e-7, error: .init(code: "rate_limit", message: "slow down",
                                                                          timestamp: Date(timeIntervalSince1970: 1_735_689_600.1234567)))
    static let settings = SessionSettings(temperature: 0.1 + 0.2, maxTokens: 32_000, topP: 0.95, frequencyPenalty: -1.5, presencePenalty: 2)
    static let preferences = UserPreferences(theme: .system, language: "pt-BR", defaultModel: "claude-3-5-sonnet-20241022", enableNotifications: false)

    @Test func valuesComeBackExactlyThroughTheDatabase() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail(), name: "Ada", image: "https://example.com/ada.png", preferences: Self.preferences)
            #expect(try user.decodedPreferences() == Self.preferences)
            #expect(try await db.users.find(id: user.id)?.decodedPreferences() == Self.preferences)
            let session = try await db.sessions.createSession(userId: user.id, title: "Planning", model: "gpt-4o", systemPrompt: "Be brief.",
                                                              settings: Self.settings, tags: ["work", "ideas"])
            let stored = try #require(try await db.sessions.find(id: session.id))
            #expect(try stored.decodedSettings() == Self.settings)
            #expect(try stored.decodedSettings().temperature?.bitPattern == (0.1 + 0.2).bitPattern)
            #expect(stored.title == "Planning" && stored.model == "gpt-4o" && stored.systemPrompt == "Be brief." && stored.tags == ["work", "ideas"])
            let message = try await db.messages.createMessage(parts: Self.parts, role: .user, sessionId: session.id, metadata: Self.metadata)
            let read = try #require(try await db.messages.find(id: message.id))
            #expect(try read.decodedParts() == Self.parts)
            #expect(try read.decodedMetadata() == Self.metadata)
            #expect(try read.decodedMetadata().processingTime?.bitPattern == (0.1 + 0.2).bitPattern)
            #expect(try read.decodedMetadata().error?.timestamp == Date(timeIntervalSince1970: 1_735_689_600.123), "to the millisecond")
            #expect(read.content == MessagePart.flattenedText(of: Self.parts))
            #expect(read.messageStatus == .sent && read.messageRole == .user && read.threadLevel == 0)
            // The stored jsonb is the types' JSON, compared by the server.
            let same = try await db.pool.query("""
                SELECT parts = \(MessagePart.json(Self.parts)), metadata = \(Self.metadata.json) FROM messages WHERE id = \(message.id)
                """).first!.decode((Bool, Bool).self)
            #expect(same == (true, true))
            let sameSession = try await db.pool.query("SELECT settings = \(Self.settings.json) FROM sessions WHERE id = \(session.id)").scalar(Bool.self)
            #expect(sameSession == true)
        }
    }

    @Test func codableFormsAreTheStoredJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func roundTrip<T: Codable & Equatable>(_ value: T, json: PGJSONValue) throws {
            let data = try encoder.encode(value)
            #expect(try JSONDecoder().decode(T.self, from: data) == value)
            #expect(try JSONDecoder().decode(PGJSONValue.self, from: data) == json, "\(T.self)'s Codable form is its stored JSON")
        }
        try roundTrip(Self.parts, json: MessagePart.json(Self.parts))
        try roundTrip(Self.metadata, json: Self.metadata.json)
        try roundTrip(Self.settings, json: Self.settings.json)
        try roundTrip(Self.preferences, json: Self.preferences.json)
        try roundTrip(MessageEdit(previousContent: "before", previousParts: [.text("before")], timestamp: Date(timeIntervalSince1970: 1)),
                      json: ["previousContent": "before", "previousParts": [["type": "text", "text": "before"]], "timestamp": 1000])
        #expect(Self.settings.json == ["temperature": .number(0.1 + 0.2), "maxTokens": 32000, "topP": 0.95, "frequencyPenalty": -1.5, "presencePenalty": 2])
        #expect(MessagePart.file(id: "f", name: "n", mimeType: "text/plain", size: 3).json
                == ["type": "file", "fileId": "f", "fileName": "n", "fileType": "text/plain", "fileSize": 3], "seed 003's member names")
        // Decoding validates: a part past its limit does not decode.
        let tooWide = Data(#"{"type": "image", "url": "u", "width": 100001}"#.utf8)
        #expect(throws: RepositoryError.valueOutOfRange(field: "messages.parts[0].width", allowed: 1...100_000, value: 100_001)) {
            try MessagePart(json: try JSONDecoder().decode(PGJSONValue.self, from: tooWide))
        }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(MessagePart.self, from: tooWide) }
    }

    @Test func malformedDocumentsAreTypedErrors() throws {
        let cases: [(PGJSONValue, RepositoryError)] = [
            (["type": "video"], .invalidDocument(field: "messages.parts[0].type", reason: "must be text, image, code or file")),
            (["text": "no type"], .invalidDocument(field: "messages.parts[0].type", reason: "must be text, image, code or file")),
            (["type": "text"], .invalidDocument(field: "messages.parts[0].text", reason: "is missing")),
            (["type": "text", "text": 3], .invalidDocument(field: "messages.parts[0].text", reason: "must be a string")),
            (["type": "text", "text": nil], .invalidDocument(field: "messages.parts[0].text", reason: "is null; leave the member out instead")),
            (["type": "text", "text": "a", "bold": true], .invalidDocument(field: "messages.parts[0].bold", reason: "is not a member of messages.parts[0]")),
            (["type": "image", "url": "u", "width": 1.5], .invalidDocument(field: "messages.parts[0].width", reason: "must be a whole number")),
            (["type": "file", "fileId": "f", "fileName": "n", "fileType": "text/plain", "fileSize": 1e30],
             .valueOutOfRange(field: "messages.parts[0].fileSize", allowed: 0...104_857_600, value: 1e30)),
            ("text", .invalidDocument(field: "messages.parts[0]", reason: "must be a JSON object")),
        ]
        for (json, error) in cases {
            #expect(throws: error, "\(json)") { try MessagePart(json: json) }
        }
        #expect(throws: RepositoryError.invalidDocument(field: "messages.parts", reason: "must be a JSON array")) { try MessagePart.parts(json: [:]) }
        #expect(throws: RepositoryError.invalidDocument(field: "messages.metadata.tokens.total", reason: "must be prompt + completion")) {
            try MessageMetadata(json: ["tokens": ["prompt": 1, "completion": 2, "total": 4]])
        }
        #expect(throws: RepositoryError.invalidDocument(field: "messages.metadata.edited", reason: "is not a member of messages.metadata")) {
            try MessageMetadata(json: ["edited": true])
        }
        #expect(throws: RepositoryError.invalidFormat(field: "users.preferences.theme", value: "blue")) { try UserPreferences(json: ["theme": "blue"]) }
        #expect(throws: RepositoryError.invalidDocument(field: "users.preferences.enableNotifications", reason: "must be true or false")) {
            try UserPreferences(json: ["enableNotifications": "yes"])
        }
        #expect(throws: RepositoryError.invalidDocument(field: "sessions.settings.temperature", reason: "must be a number")) {
            try SessionSettings(json: ["temperature": "0.5"])
        }
        #expect(throws: RepositoryError.invalidDocument(field: "sessions.settings", reason: "must be a JSON object")) { try SessionSettings(json: []) }
    }

    /// `content` is what the database computes from the parts, character for character.
    @Test func flattenedTextMatchesTheDatabase() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            let cases: [[MessagePart]] = [
                Self.parts, [.image(url: "u")], [.text(""), .text("a"), .image(url: "u", alt: ""), .code(language: "c", code: "")],
                [.file(id: "f", name: "ünïcødé 文件.txt", mimeType: "text/plain", size: 1), .text("  spaced  ")],
            ]
            for parts in cases {
                let content = try await db.pool.query("""
                    INSERT INTO messages (session_id, role, content, parts) VALUES (\(session.id), 'user', 'x', \(MessagePart.json(parts))) RETURNING content
                    """).scalar(String.self)
                #expect(content == MessagePart.flattenedText(of: parts), "\(parts)")
            }
        }
    }
}
