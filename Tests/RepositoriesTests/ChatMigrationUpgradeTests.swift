import Foundation
import Migrator
import PGKit
import PGKitTestSupport
import Repositories
import Testing

/// A database that has data from before migration 0004 upgrades in place: the counters are
/// counted from the messages there, nothing else about the existing rows changes, and rows
/// that break a rule written later keep working.
@Suite struct ChatMigrationUpgradeTests {
    @Test func existingDataUpgrades() async throws {
        let config = try await TestDatabase.create("chat_upgrade")
        let before = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: before, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: before) }
        for file in ChatMigrations.files where file.name < "0004" {
            try Data(file.contents.utf8).write(to: before.appendingPathComponent(file.name))
        }
        try await Migrator(config: config, directory: MigrationDirectory(path: before.path)).applyPending()
        let conn = try await PGConnection.connect(config)
        defer { Task { await conn.close() } }
        try await conn.executeScript("""
            INSERT INTO users (email, name) VALUES ('old@example.com', 'Dr. Who');
            INSERT INTO sessions (user_id, updated_at) SELECT id, '2025-06-01' FROM users;
            INSERT INTO sessions (updated_at) VALUES ('2025-06-02');
            INSERT INTO messages (session_id, role, content, created_at)
                SELECT s.id, 'user', CASE WHEN g = 3 THEN '' ELSE 'm' || g END, '2025-06-01'::timestamptz + g * interval '1 hour'
                FROM sessions s, generate_series(1, 5) g WHERE s.user_id IS NOT NULL;
            """)
        try await Migrator(config: config, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()

        let sessions = try await conn.query("SELECT user_id IS NULL, message_count, last_message_at, updated_at FROM sessions ORDER BY user_id NULLS LAST")
            .map { try $0.decode((Bool, Int32, Date?, Date).self) }
        #expect(sessions.map(\.1) == [5, 0])
        #expect(sessions[0].2 == ISO8601DateFormatter().date(from: "2025-06-01T05:00:00Z"))
        #expect(sessions[1].2 == nil)
        #expect(sessions.map(\.3) == [ISO8601DateFormatter().date(from: "2025-06-01T00:00:00Z")!, ISO8601DateFormatter().date(from: "2025-06-02T00:00:00Z")!],
                "counting did not touch updated_at")
        let messages = try await conn.query("SELECT status, parts, metadata, thread_level FROM messages").map { try $0.decode((String, PGJSONValue, PGJSONValue, Int32).self) }
        #expect(messages.count == 5 && messages.allSatisfy { $0 == ("sent", [], [:], 0) })
        // The name and the empty message from before keep working for other changes.
        #expect(try await conn.execute("UPDATE users SET is_active = false, preferences = '{\"theme\": \"dark\"}'") == 1)
        #expect(try await conn.execute("UPDATE messages SET status = 'deleted' WHERE content = ''") == 1)
        let db = Database(pool: PGPool(config: config, configuration: .init(maxConnections: 1)))
        let user = try #require(try await db.users.find(email: "old@example.com"))
        #expect(try user.name == "Dr. Who" && user.decodedPreferences().theme == .dark)
        let dashboard = try await db.sessions.dashboard(userId: user.id)
        #expect(dashboard.items.first?.lastMessage?.content == "m5" && dashboard.items.first?.session.messageCount == 5)
        await db.shutdown()
    }
}
