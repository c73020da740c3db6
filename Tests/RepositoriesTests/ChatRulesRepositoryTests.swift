import Foundation
import PGKit
import Repositories
import Testing

/// Every rule through the repositories: the value at each limit is stored, the value just past
/// it refused with its typed `RepositoryError` (never a raw SQL error), and nothing is written.
@Suite struct ChatRulesRepositoryTests {
    static let database = ChatDatabase("chat_rules_repositories")

    func text(_ count: Int, _ character: Character = "a") -> String { String(repeating: character, count: count) }

    /// Runs `accepted`, then expects `refused` to throw exactly `error`.
    func expectRule(_ name: String, accepted: () async throws -> Void, refused: () async throws -> Void, _ error: RepositoryError,
                    sourceLocation: SourceLocation = #_sourceLocation) async {
        do { try await accepted() } catch { Issue.record("\(name): the value at the limit was refused: \(error)", sourceLocation: sourceLocation) }
        do {
            try await refused()
            Issue.record("\(name): the value past the limit was accepted", sourceLocation: sourceLocation)
        } catch let thrown as RepositoryError {
            #expect(thrown == error, "\(name)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(name): not a typed error: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func userRules() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            await expectRule("name length", accepted: { _ = try await db.users.create(email: uniqueEmail(), name: text(100)) },
                             refused: { _ = try await db.users.create(email: uniqueEmail(), name: text(101)) }, .invalidName(text(101)))
            await expectRule("name characters", accepted: { _ = try await db.users.update(id: user.id, UserUpdate(name: .set("Zoë Ñandú-Smith 3"))) },
                             refused: { _ = try await db.users.update(id: user.id, UserUpdate(name: .set("Zoë!"))) }, .invalidName("Zoë!"))
            await expectRule("empty name", accepted: { _ = try await db.users.create(email: uniqueEmail(), name: "A") },
                             refused: { _ = try await db.users.createUserWithSession(email: uniqueEmail(), name: "") }, .invalidName(""))
            await expectRule("name of spaces", accepted: { _ = try await db.users.create(email: uniqueEmail(), name: "A - B") },
                             refused: { _ = try await db.users.create(email: uniqueEmail(), name: " - ") }, .invalidName(" - "))
            await expectRule("image", accepted: { _ = try await db.users.create(email: uniqueEmail(), image: text(2048)) },
                             refused: { _ = try await db.users.update(id: user.id, UserUpdate(image: .set(text(2049)))) },
                             .lengthOutOfRange(field: "users.image", allowed: 1...2048, length: 2049))
            let languageAtLimit = "ab" + String(repeating: "-abcdefgh", count: 3) + "-abcde"
            await expectRule("language", accepted: { _ = try await db.users.setPreference(.language(languageAtLimit), userId: user.id) },
                             refused: { _ = try await db.users.setPreference(.language(languageAtLimit + "f"), userId: user.id) },
                             .invalidFormat(field: "users.preferences.language", value: languageAtLimit + "f"))
            await expectRule("default model", accepted: { _ = try await db.users.setPreference(.defaultModel(text(100, "m")), userId: user.id) },
                             refused: { _ = try await db.users.create(email: uniqueEmail(), preferences: UserPreferences(defaultModel: text(101, "m"))) },
                             .invalidFormat(field: "users.preferences.defaultModel", value: text(101, "m")))
            await expectRule("preferences as raw JSON", accepted: { _ = try await db.users.update(id: user.id, UserUpdate(preferences: .set(["theme": "dark"]))) },
                             refused: { _ = try await db.users.update(id: user.id, UserUpdate(preferences: .set(["theme": "blue"]))) },
                             .invalidFormat(field: "users.preferences.theme", value: "blue"))
            await expectRule("unknown preference", accepted: { _ = try await db.users.update(id: user.id, UserUpdate(preferences: .set([:]))) },
                             refused: { _ = try await db.users.update(id: user.id, UserUpdate(preferences: .set(["fontSize": 12]))) },
                             .invalidDocument(field: "users.preferences.fontSize", reason: "is not a member of users.preferences"))
            let missing = UUID()
            await #expect(throws: RepositoryError.notFound(table: "users", id: missing.uuidString)) {
                _ = try await db.users.setPreference(.theme(.dark), userId: missing)
            }
        }
    }

    @Test func sessionRules() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let session = try await db.sessions.createSession(userId: user.id)
            await expectRule("title", accepted: { _ = try await db.sessions.createSession(userId: user.id, title: text(200)) },
                             refused: { _ = try await db.sessions.createSession(userId: user.id, title: text(201)) },
                             .lengthOutOfRange(field: "sessions.title", allowed: 1...200, length: 201))
            await expectRule("empty title", accepted: { _ = try await db.sessions.update(id: session.id, SessionUpdate(title: .set("t"))) },
                             refused: { _ = try await db.sessions.update(id: session.id, SessionUpdate(title: .set(""))) },
                             .lengthOutOfRange(field: "sessions.title", allowed: 1...200, length: 0))
            await expectRule("model", accepted: { _ = try await db.sessions.createSession(model: text(100, "m")) },
                             refused: { _ = try await db.sessions.createSession(model: text(101, "m")) },
                             .invalidFormat(field: "sessions.model", value: text(101, "m")))
            await expectRule("model characters", accepted: { _ = try await db.sessions.createSession(model: "meta-llama/Llama-3.1-8B:q4_K.M") },
                             refused: { _ = try await db.sessions.update(id: session.id, SessionUpdate(model: .set("gpt 4"))) },
                             .invalidFormat(field: "sessions.model", value: "gpt 4"))
            await expectRule("system prompt", accepted: { _ = try await db.sessions.createSession(systemPrompt: text(2000)) },
                             refused: { _ = try await db.sessions.createSession(systemPrompt: text(2001)) },
                             .lengthOutOfRange(field: "sessions.system_prompt", allowed: 0...2000, length: 2001))
            let settings: [(String, SessionSettings, SessionSettings, Double, ClosedRange<Double>)] = [
                ("temperature", SessionSettings(temperature: 2), SessionSettings(temperature: 2.0000001), 2.0000001, 0...2),
                ("temperature", SessionSettings(temperature: 0), SessionSettings(temperature: -0.0000001), -0.0000001, 0...2),
                ("maxTokens", SessionSettings(maxTokens: 32_000), SessionSettings(maxTokens: 32_001), 32_001, 1...32_000),
                ("maxTokens", SessionSettings(maxTokens: 1), SessionSettings(maxTokens: 0), 0, 1...32_000),
                ("topP", SessionSettings(topP: 1), SessionSettings(topP: 1.0000001), 1.0000001, 0...1),
                ("frequencyPenalty", SessionSettings(frequencyPenalty: -2), SessionSettings(frequencyPenalty: -2.0000001), -2.0000001, -2...2),
                ("presencePenalty", SessionSettings(presencePenalty: 2), SessionSettings(presencePenalty: 2.0000001), 2.0000001, -2...2),
            ]
            for (key, atLimit, past, value, range) in settings {
                await expectRule("settings.\(key)", accepted: { _ = try await db.sessions.createSession(settings: atLimit) },
                                 refused: { _ = try await db.sessions.createSession(userId: user.id, settings: past) },
                                 .valueOutOfRange(field: "sessions.settings.\(key)", allowed: range, value: value))
                await expectRule("settings.\(key) as raw JSON", accepted: { _ = try await db.sessions.update(id: session.id, SessionUpdate(settings: .set(atLimit.json))) },
                                 refused: { _ = try await db.sessions.update(id: session.id, SessionUpdate(settings: .set(past.json))) },
                                 .valueOutOfRange(field: "sessions.settings.\(key)", allowed: range, value: value))
            }
            await expectRule("fractional max tokens", accepted: { _ = try await db.sessions.update(id: session.id, SessionUpdate(settings: .set(["maxTokens": 10]))) },
                             refused: { _ = try await db.sessions.update(id: session.id, SessionUpdate(settings: .set(["maxTokens": 10.5]))) },
                             .invalidDocument(field: "sessions.settings.maxTokens", reason: "must be a whole number"))
            await expectRule("tag count", accepted: { _ = try await db.sessions.createSession(tags: (1...20).map { "t\($0)" }) },
                             refused: { _ = try await db.sessions.createSession(tags: (1...21).map { "t\($0)" }) },
                             .tooManyItems(field: "sessions.tags", limit: 20, count: 21))
            await expectRule("tag length", accepted: { _ = try await db.sessions.update(id: session.id, SessionUpdate(tags: .set([text(50), "x"]))) },
                             refused: { _ = try await db.sessions.update(id: session.id, SessionUpdate(tags: .set(["x", text(51)]))) },
                             .lengthOutOfRange(field: "sessions.tags[1]", allowed: 1...50, length: 51))
            await expectRule("empty tag", accepted: { _ = try await db.sessions.createSession(tags: ["a"]) },
                             refused: { _ = try await db.sessions.createSession(tags: [""]) },
                             .lengthOutOfRange(field: "sessions.tags[0]", allowed: 1...50, length: 0))
        }
    }

    @Test func messageRules() async throws {
        try await Self.database.with { db throws in
            let session = try await db.sessions.createSession()
            let first = try await db.messages.createMessage(content: "first", role: .user, sessionId: session.id)
            let limit = MessageRepository.maximumContentLength
            await expectRule("empty message", accepted: { _ = try await db.messages.createMessage(parts: [.image(url: "https://x/y.png")], role: .user, sessionId: session.id) },
                             refused: { _ = try await db.messages.createMessage(content: "", role: .user, sessionId: session.id) }, .emptyMessage)
            await expectRule("no parts", accepted: { _ = try await db.messages.edit(id: first.id, parts: [.text("x")]) },
                             refused: { _ = try await db.messages.createMessage(parts: [], role: .user, sessionId: session.id) }, .emptyMessage)
            await expectRule("part count", accepted: { _ = try await db.messages.createMessage(parts: Array(repeating: .text("p"), count: 100), role: .user, sessionId: session.id) },
                             refused: { _ = try await db.messages.createMessage(parts: Array(repeating: .text("p"), count: 101), role: .user, sessionId: session.id) },
                             .tooManyItems(field: "messages.parts", limit: 100, count: 101))
            await expectRule("parts' text", accepted: { _ = try await db.messages.createMessage(parts: [.text(text(50_000)), .code(language: "c", code: text(49_999))], role: .user, sessionId: session.id) },
                             refused: { _ = try await db.messages.createMessage(parts: [.text(text(50_000)), .code(language: "c", code: text(50_000))], role: .user, sessionId: session.id) },
                             .contentTooLong(limit: limit, length: limit + 1))
            let partRules: [(String, MessagePart, MessagePart, RepositoryError)] = [
                ("image url", .image(url: text(2048)), .image(url: text(2049)), .lengthOutOfRange(field: "messages.parts[0].url", allowed: 1...2048, length: 2049)),
                ("image url empty", .image(url: "u"), .image(url: ""), .lengthOutOfRange(field: "messages.parts[0].url", allowed: 1...2048, length: 0)),
                ("alt", .image(url: "u", alt: text(1000)), .image(url: "u", alt: text(1001)), .lengthOutOfRange(field: "messages.parts[0].alt", allowed: 0...1000, length: 1001)),
                ("width", .image(url: "u", width: 100_000), .image(url: "u", width: 100_001), .valueOutOfRange(field: "messages.parts[0].width", allowed: 1...100_000, value: 100_001)),
                ("height", .image(url: "u", height: 1), .image(url: "u", height: 0), .valueOutOfRange(field: "messages.parts[0].height", allowed: 1...100_000, value: 0)),
                ("language", .code(language: text(50), code: "x"), .code(language: text(51), code: "x"), .lengthOutOfRange(field: "messages.parts[0].language", allowed: 1...50, length: 51)),
                ("filename", .code(language: "c", code: "x", filename: text(255)), .code(language: "c", code: "x", filename: text(256)),
                 .lengthOutOfRange(field: "messages.parts[0].filename", allowed: 1...255, length: 256)),
                ("file size", .file(id: "f", name: "a.bin", mimeType: "application/octet-stream", size: 104_857_600),
                 .file(id: "f", name: "a.bin", mimeType: "application/octet-stream", size: 104_857_601),
                 .valueOutOfRange(field: "messages.parts[0].fileSize", allowed: 0...104_857_600, value: 104_857_601)),
                ("file name", .file(id: "f", name: text(255), mimeType: "text/plain", size: 1), .file(id: "f", name: text(256), mimeType: "text/plain", size: 1),
                 .lengthOutOfRange(field: "messages.parts[0].fileName", allowed: 1...255, length: 256)),
                ("file id", .file(id: text(255), name: "a", mimeType: "text/plain", size: 1), .file(id: "", name: "a", mimeType: "text/plain", size: 1),
                 .lengthOutOfRange(field: "messages.parts[0].fileId", allowed: 1...255, length: 0)),
                ("MIME type", .file(id: "f", name: "a", mimeType: "application/vnd.api+json", size: 1), .file(id: "f", name: "a", mimeType: "text/plain; charset=utf-8", size: 1),
                 .invalidFormat(field: "messages.parts[0].fileType", value: "text/plain; charset=utf-8")),
            ]
            for (name, atLimit, past, error) in partRules {
                await expectRule(name, accepted: { _ = try await db.messages.createMessage(parts: [atLimit], role: .user, sessionId: session.id) },
                                 refused: { _ = try await db.messages.createMessage(parts: [past], role: .user, sessionId: session.id) }, error)
            }
            let metadataRules: [(String, MessageMetadata, MessageMetadata, RepositoryError)] = [
                ("model", MessageMetadata(model: text(100, "m")), MessageMetadata(model: text(101, "m")), .invalidFormat(field: "messages.metadata.model", value: text(101, "m"))),
                ("tokens", MessageMetadata(tokens: .init(prompt: 2_147_483_000, completion: 647)), MessageMetadata(tokens: .init(prompt: 2_147_483_000, completion: 648)),
                 .valueOutOfRange(field: "messages.metadata.tokens.total", allowed: 0...2_147_483_647, value: 2_147_483_648)),
                ("negative tokens", MessageMetadata(tokens: .init(prompt: 0, completion: 0)), MessageMetadata(tokens: .init(prompt: -1, completion: 1)),
                 .valueOutOfRange(field: "messages.metadata.tokens.prompt", allowed: 0...2_147_483_647, value: -1)),
                ("processing time", MessageMetadata(processingTime: 86_400_000), MessageMetadata(processingTime: 86_400_000.1),
                 .valueOutOfRange(field: "messages.metadata.processingTime", allowed: 0...86_400_000, value: 86_400_000.1)),
                ("temperature", MessageMetadata(temperature: 2), MessageMetadata(temperature: 2.0000001),
                 .valueOutOfRange(field: "messages.metadata.temperature", allowed: 0...2, value: 2.0000001)),
                ("error code", MessageMetadata(error: .init(code: text(100), message: "m")), MessageMetadata(error: .init(code: text(101), message: "m")),
                 .lengthOutOfRange(field: "messages.metadata.error.code", allowed: 1...100, length: 101)),
                ("error message", MessageMetadata(error: .init(code: "c", message: text(10_000))), MessageMetadata(error: .init(code: "c", message: text(10_001))),
                 .lengthOutOfRange(field: "messages.metadata.error.message", allowed: 0...10_000, length: 10_001)),
            ]
            for (name, atLimit, past, error) in metadataRules {
                await expectRule("metadata \(name)", accepted: { _ = try await db.messages.createMessage(content: "m", role: .assistant, sessionId: session.id, metadata: atLimit) },
                                 refused: { _ = try await db.messages.createMessage(content: "m", role: .assistant, sessionId: session.id, metadata: past) }, error)
            }
            // Threads: ten levels deep at most, in the parent's session, from a message that exists.
            var parent = first
            for _ in 1...9 { parent = try await db.messages.reply(to: parent.id, content: "deeper", role: .assistant) }
            await expectRule("thread depth", accepted: { parent = try await db.messages.reply(to: parent.id, content: "tenth", role: .user) },
                             refused: { _ = try await db.messages.reply(to: parent.id, content: "eleventh", role: .user) }, .threadTooDeep(limit: 10))
            #expect(parent.threadLevel == 10)
            let missing = UUID()
            await #expect(throws: RepositoryError.unknownMessage(missing)) { try await db.messages.reply(to: missing, content: "x", role: .user) }
            // What was refused wrote nothing: the first message, one per accepted case, and the thread.
            #expect(try await db.messages.count(inSession: session.id) == 1 + 1 + 1 + 1 + partRules.count + metadataRules.count + 10)
        }
    }
}
