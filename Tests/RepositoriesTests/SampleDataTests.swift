import Foundation
import PGKit
@testable import Repositories
import Testing

/// `dbctl seed`'s data fills the chat fields (parts, metadata, statuses, threads, edits,
/// settings, preferences), passes every rule, is the same on every run, and loads once.
@Suite(.serialized) struct SampleDataTests {
    static let first = ChatDatabase("sample_first")
    static let second = ChatDatabase("sample_second")

    /// Every row of the chat tables as text, in key order: two seeds compare equal when they
    /// wrote the same data.
    func contents(_ conn: PGConnection) async throws -> String {
        var text = ""
        for table in ["users", "sessions", "messages", "character_files", "memories", "specializations"] {
            text += try await conn.query(PGQuery(String("SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), '') FROM \(table) t"))).scalar(String.self) ?? ""
        }
        return text
    }

    @Test func theSampleDataFillsTheChatFieldsTheSameWayEveryTime() async throws {
        let conn = try await PGConnection.connect(try await Self.first.configuration())
        defer { Task { await conn.close() } }
        let summary = try await SampleData.seed(conn)
        #expect(summary.users == 3 && summary.sessions == 20 && summary.messages == 2_000 && summary.memories == 1_000)
        #expect(summary.replies > 900 && summary.editedMessages > 10, "\(summary)")
        #expect(try await SampleData.seed(conn).alreadySeeded)

        let db = try await Self.first.open()
        let users = try await db.users.list().items
        #expect(try users.map { try $0.decodedPreferences().theme } == [.dark, .light, .system])
        #expect(users.allSatisfy { $0.image != nil && $0.lastActiveAt != nil } && users.filter(\.isActive).count == 2)
        let sessions = try await db.pool.query("SELECT \(unescaped: Session.selectList) FROM sessions").map(Session.init(row:))
        #expect(sessions.allSatisfy { $0.title != nil && $0.model != nil && $0.systemPrompt != nil && !$0.tags.isEmpty })
        #expect(try sessions.allSatisfy { try $0.decodedSettings().temperature != nil })
        #expect(sessions.filter(\.isArchived).count == 2)
        #expect(sessions.allSatisfy { $0.messageCount == 100 && $0.lastMessageAt != nil }, "the counters followed the COPY")

        let messages = try await db.pool.query("SELECT \(unescaped: Message.selectList) FROM messages").map(Message.init(row:))
        let parts = try messages.map { try $0.decodedParts() }
        #expect(parts.contains { $0.contains { if case .code = $0 { true } else { false } } })
        #expect(parts.contains { $0.contains { if case .image = $0 { true } else { false } } })
        #expect(parts.contains { $0.contains { if case .file = $0 { true } else { false } } })
        let metadata = try messages.map { try $0.decodedMetadata() }
        #expect(metadata.filter { $0.tokens != nil }.count > 800 && metadata.contains { $0.error != nil })
        #expect(Set(messages.compactMap(\.messageStatus)) == Set<MessageStatus>([.sent, .delivered, .error]))
        #expect(Set(messages.map(\.threadLevel)) == Set<Int32>([0, 1, 2, 3]))
        #expect(try messages.filter { try !$0.decodedEditHistory().isEmpty }.count == summary.editedMessages)
        #expect(messages.filter { $0.parentMessageId != nil }.count == summary.replies)
        await db.shutdown()

        // A second database seeded from scratch holds the same rows.
        let other = try await PGConnection.connect(try await Self.second.configuration())
        defer { Task { await other.close() } }
        _ = try await SampleData.seed(other)
        #expect(try await contents(conn) == contents(other))
    }
}
