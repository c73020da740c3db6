import Foundation
import PGKit
@testable import Repositories
import Synchronization
import Testing

/// Seed 003's user dashboard: a user's sessions that are not archived, most recently active
/// first, each with its last message, in one statement whose plan walks the indexes.
@Suite(.serialized) struct DashboardTests {
    static let database = ChatDatabase("dashboard")

    /// Counts the statements repositories send through it.
    final class CountingExecutor: PGQueryable {
        let pool: PGPool
        private let counted = Mutex<[String]>([])
        init(_ pool: PGPool) { self.pool = pool }
        var statements: [String] { counted.withLock { $0 } }

        func query(_ query: PGQuery) async throws -> PGQueryResult {
            counted.withLock { $0.append(query.sql) }
            return try await pool.query(query)
        }
        func execute(_ query: PGQuery) async throws -> Int {
            counted.withLock { $0.append(query.sql) }
            return try await pool.execute(query)
        }
        func transaction<T>(_ options: PGTransactionOptions, _ body: (PGConnection) async throws -> T) async throws -> T {
            counted.withLock { $0.append("BEGIN") }
            return try await pool.transaction(options, body)
        }
        func copyIn<Rows: Sequence & Sendable>(table: String, columns: [String], rows: Rows) async throws -> Int where Rows.Element == [any PGEncodable] {
            counted.withLock { $0.append("COPY") }
            return try await pool.copyIn(table: table, columns: columns, rows: rows)
        }
    }

    @Test func recentSessionsEachWithItsLastMessage() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail("dash"))
            let other = try await db.users.create(email: uniqueEmail("other"))
            let quiet = try await db.sessions.createSession(userId: user.id, title: "quiet")       // no messages: its creation counts
            let busy = try await db.sessions.createSession(userId: user.id, title: "busy")
            let archived = try await db.sessions.createSession(userId: user.id, title: "archived")
            let older = try await db.sessions.createSession(userId: user.id, title: "older")
            _ = try await db.sessions.createSession(userId: other.id, title: "someone else's")
            try await db.pool.execute("UPDATE sessions SET created_at = '2026-01-01' WHERE id IN (\(busy.id), \(archived.id), \(older.id))")
            try await db.pool.execute("UPDATE sessions SET created_at = '2026-01-02' WHERE id = \(quiet.id)")
            for (session, day) in [(older, "2026-01-05"), (busy, "2026-01-03"), (busy, "2026-01-09"), (archived, "2026-01-10")] {
                let message = try await db.messages.createMessage(content: "on \(day)", role: .user, sessionId: session.id)
                try await db.pool.execute("UPDATE messages SET created_at = \(day)::timestamptz WHERE id = \(message.id)")
            }
            #expect(try await db.sessions.archive([archived.id], userId: user.id) == 1)
            let dashboard = try await db.sessions.dashboard(userId: user.id)
            #expect(dashboard.items.map(\.session.title) == ["busy", "older", "quiet"], "most recently active first; archived and others' left out")
            #expect(dashboard.items.map { $0.lastMessage?.content } == ["on 2026-01-09", "on 2026-01-05", nil])
            #expect(dashboard.items[0].session.messageCount == 2)
            #expect(dashboard.nextCursor == nil)
            // A page at a time, each entry once.
            var seen: [String?] = []
            var page = try await db.sessions.dashboard(userId: user.id, page: PageRequest(limit: 1))
            seen += page.items.map(\.session.title)
            while let cursor = page.nextCursor {
                page = try await db.sessions.dashboard(userId: user.id, page: PageRequest(limit: 1, after: cursor))
                seen += page.items.map(\.session.title)
            }
            #expect(seen == ["busy", "older", "quiet"])
            // A new message moves its session to the top.
            _ = try await db.messages.createMessage(content: "now", role: .user, sessionId: quiet.id)
            #expect(try await db.sessions.dashboard(userId: user.id).items.first?.lastMessage?.content == "now")
            let messagesCursor = try await db.messages.messages(inSession: busy.id, page: PageRequest(limit: 1)).nextCursor
            await #expect(throws: RepositoryError.invalidCursor, "another list's cursor") {
                try await db.sessions.dashboard(userId: user.id, page: PageRequest(after: messagesCursor))
            }
            await #expect(throws: RepositoryError.invalidCursor) { try await db.sessions.dashboard(userId: user.id, page: PageRequest(after: "garbage")) }
        }
    }

    @Test func theDashboardIsOneStatement() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail("one"))
            for index in 0..<5 {
                let session = try await db.sessions.createSession(userId: user.id, title: "s\(index)")
                for turn in 0..<3 { _ = try await db.messages.createMessage(content: "m\(turn)", role: .user, sessionId: session.id) }
            }
            let counting = CountingExecutor(db.pool)
            let repositories = ChatRepositories(RepositoryContext(executor: counting, setsCurrentUser: false))
            let page = try await repositories.sessions.dashboard(userId: user.id, page: PageRequest(limit: 3))
            #expect(page.items.count == 3 && page.items.allSatisfy { $0.lastMessage?.content == "m2" })
            #expect(counting.statements.count == 1, "\(counting.statements)")
            _ = try await repositories.sessions.dashboard(userId: user.id, page: PageRequest(limit: 3, after: page.nextCursor))
            #expect(counting.statements.count == 2, "the next page is one statement too")
        }
    }

    /// With many users, sessions and messages (the user's own 600 sessions), the plan reads the first entries from
    /// `sessions_user_id_activity` in order (no sort) and each last message from one probe of
    /// `messages_session_id_created_at`.
    @Test func thePlanWalksTheIndexes() async throws {
        let config = try await Self.database.configuration()
        let conn = try await PGConnection.connect(config)
        defer { Task { await conn.close() } }
        try await conn.executeScript("""
            INSERT INTO users (email) SELECT 'plan' || g || '@example.com' FROM generate_series(1, 200) g;
            INSERT INTO sessions (user_id, title, is_archived, created_at)
                SELECT u.id, 'plan ' || g, g % 5 = 0, '2026-01-01'::timestamptz + g * interval '1 minute'
                FROM users u, generate_series(1, 25) g WHERE u.email LIKE 'plan%';
            INSERT INTO sessions (user_id, title, is_archived, created_at)
                SELECT u.id, 'plan ' || g, g % 5 = 0, '2026-01-01'::timestamptz + g * interval '1 minute'
                FROM users u, generate_series(26, 600) g WHERE u.email = 'plan7@example.com';
            INSERT INTO messages (session_id, role, content, created_at)
                SELECT s.id, 'user', 'message ' || g, s.created_at + g * interval '1 second'
                FROM sessions s, generate_series(1, 8) g WHERE s.title LIKE 'plan %';
            ANALYZE users; ANALYZE sessions; ANALYZE messages;
            """)
        let user = try await conn.query("SELECT id FROM users WHERE email = 'plan7@example.com'").scalar(UUID.self)!
        var explained = SessionRepository.dashboardQuery(userId: user, after: nil, limit: 20)
        explained.sql = "EXPLAIN (ANALYZE, FORMAT JSON) " + explained.sql
        let plan = try await conn.query(explained).scalar(PGJSONValue.self)!.jsonText()
        #expect(plan.contains("\"Index Name\":\"sessions_user_id_activity\""), "\(plan)")
        #expect(plan.contains("\"Index Name\":\"messages_session_id_created_at\""), "\(plan)")
        #expect(!plan.contains("\"Node Type\":\"Sort\""), "the index gives the order: \(plan)")
        #expect(!plan.contains("\"Node Type\":\"Seq Scan\""), "\(plan)")
        // The second page seeks too.
        let db = try await Self.database.open()
        let first = try await db.sessions.dashboard(userId: user, page: PageRequest(limit: 5))
        await db.shutdown()
        let cursor = try PageCursor.decode(try #require(first.nextCursor))
        var second = SessionRepository.dashboardQuery(userId: user, after: (cursor.value, cursor.key), limit: 5)
        second.sql = "EXPLAIN (ANALYZE, FORMAT JSON) " + second.sql
        let secondPlan = try await conn.query(second).scalar(PGJSONValue.self)!.jsonText()
        #expect(secondPlan.contains("sessions_user_id_activity") && secondPlan.contains("Index Cond") && !secondPlan.contains("\"Node Type\":\"Sort\""), "\(secondPlan)")
        #expect(first.items.count == 5 && first.items.allSatisfy { !$0.session.isArchived && $0.lastMessage?.content == "message 8" })
    }
}
