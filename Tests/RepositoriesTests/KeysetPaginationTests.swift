import Foundation
import PGKit
@testable import Repositories
import Testing

/// Keyset pages cost what the first page costs at any depth, and return every row exactly once
/// in the database's order, NULLs in the sort column included.
@Suite(.serialized) struct KeysetPaginationTests {
    static let database = ChatDatabase("keyset")

    /// `EXPLAIN (ANALYZE, BUFFERS)` of a page: the plan's text, and the shared buffers it touched.
    func explain(_ query: PGQuery, on conn: PGConnection) async throws -> (plan: String, buffers: Int) {
        var explained = query
        explained.sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query.sql
        let json = try await conn.query(explained).scalar(PGJSONValue.self)!
        guard case .array(let plans) = json, case .object(let top)? = plans.first, let plan = top["Plan"] else { return ("", 0) }
        func buffers(_ node: PGJSONValue) -> Int {
            guard case .object(let fields) = node else { return 0 }
            if case .number(let hit)? = fields["Shared Hit Blocks"], case .number(let read)? = fields["Shared Read Blocks"] {
                return Int(hit.int64Value ?? 0) + Int(read.int64Value ?? 0)
            }
            return 0
        }
        return (try plan.jsonText(), buffers(plan))
    }

    @Test func aDeepPageSeeksInTheIndexLikeTheFirstPage() async throws {
        let db = try await Self.database.open()
        let session = try await db.sessions.createSession()
        let config = try await Self.database.configuration()
        let conn = try await PGConnection.connect(config)
        // 30,000 messages, timestamps in blocks of ten equal values (ties broken by id).
        try await conn.execute("""
            INSERT INTO messages (session_id, role, content, created_at)
            SELECT \(session.id), 'user', 'message ' || g, '2026-01-01'::timestamptz + (g / 10) * interval '1 second'
            FROM generate_series(1, 30000) g
            """)
        try await conn.executeScript("ANALYZE messages")
        let deep = try await conn.query("SELECT created_at::text, id::text FROM messages WHERE session_id = \(session.id) ORDER BY created_at, id OFFSET 29000 LIMIT 1").first!
        let (value, key) = try deep.decode((String, String).self)
        func page(after cursor: (String?, String)?) -> PGQuery {
            PGKeysetPage(sortColumn: "created_at", sortType: "timestamp with time zone", sortIsNullable: false, key: ["id"], keyTypes: ["uuid"],
                         descending: false, cursor: cursor.map { ($0.0, [$0.1]) }, limit: 50)
                .query(selectList: Message.selectList, table: "\"messages\"", filter: "\"session_id\" = \(session.id)")
        }
        let first = try await explain(page(after: nil), on: conn)
        let deepPage = try await explain(page(after: (value, key)), on: conn)
        #expect(deepPage.plan.contains("Index Cond"), "\(deepPage.plan)")
        #expect(deepPage.plan.contains("ROW(") || deepPage.plan.contains(") > ("), "the row comparison is an index bound: \(deepPage.plan)")
        #expect(!deepPage.plan.contains("Rows Removed by Filter\": 2"), "\(deepPage.plan)")
        print("keyset buffers: first \(first.buffers), deep \(deepPage.buffers)")
        #expect(deepPage.buffers <= max(first.buffers * 2, 20), "first page \(first.buffers) buffers, deep page \(deepPage.buffers)")
        // And through the repository: every row once, in order, across all pages.
        var seen: [UUID] = []
        var request = PageRequest(limit: 100)
        while true {
            let result = try await db.messages.messages(inSession: session.id, page: request)
            seen += result.items.map(\.id)
            guard let next = result.nextCursor else { break }
            request = PageRequest(limit: 100, after: next)
        }
        let expected = try await conn.query("SELECT id FROM messages WHERE session_id = \(session.id) ORDER BY created_at, id").map { try $0.decode(UUID.self, at: 0) }
        #expect(seen == expected)
        await conn.close()
        await db.shutdown()
    }

    @Test func aNullableSortColumnPagesThroughEveryRowBothWays() async throws {
        let db = try await Self.database.open()
        let user = try await db.users.create(email: uniqueEmail("keyset"))
        for index in 0..<57 {
            let expires: Date? = index % 3 == 0 ? nil : Date(timeIntervalSince1970: 1_800_000_000 + Double(index % 7) * 60)
            _ = try await db.sessions.createSession(userId: user.id, expiresAt: expires)
        }
        let conn = try await PGConnection.connect(try await Self.database.configuration())
        try await conn.execute("CREATE INDEX IF NOT EXISTS sessions_user_expires_id ON sessions (user_id, expires_at, id)")
        let store = RecordStore<Session>(executor: db.pool)
        for descending in [false, true] {
            var seen: [UUID] = []
            var request = PageRequest(limit: 8)
            while true {
                let page = try await store.list(where: .equals("user_id", user.id), orderBy: RecordOrder("expires_at", descending: descending), page: request)
                seen += page.items.map(\.id)
                guard let next = page.nextCursor else { break }
                request = PageRequest(limit: 8, after: next)
            }
            let direction = descending ? "DESC" : "ASC"
            let expected = try await conn.query(PGQuery(String("SELECT id FROM sessions WHERE user_id = $1 ORDER BY expires_at \(direction), id \(direction)"), parameters: [user.id]))
                .map { try $0.decode(UUID.self, at: 0) }
            #expect(seen == expected, "descending: \(descending)")
            #expect(Set(seen).count == 57)
        }
        await conn.close()
        await db.shutdown()
    }

    @Test func indexCoverageRecognisesWhatServesAnOrder() {
        typealias Index = PGIndexCoverage.Index
        let userCreated = Index(columns: ["user_id", "created_at", "id"], descending: [false, false, false], unique: false)
        #expect(userCreated.serves(equality: ["user_id"], sort: "created_at", key: ["id"]))
        #expect(!userCreated.serves(equality: [], sort: "created_at", key: ["id"]))
        let mixed = Index(columns: ["user_id", "created_at", "id"], descending: [false, true, false], unique: false)
        #expect(!mixed.serves(equality: ["user_id"], sort: "created_at", key: ["id"]), "a mixed-direction index cannot be scanned in one order")
        let withoutKey = Index(columns: ["user_id", "created_at"], descending: [false, true], unique: false)
        #expect(!withoutKey.serves(equality: ["user_id"], sort: "created_at", key: ["id"]))
        #expect(Index(columns: ["name"], descending: [false], unique: true).serves(equality: [], sort: "name", key: ["id"]))
        #expect(Index(columns: ["id"], descending: [false], unique: true).serves(equality: [], sort: "id", key: ["id"]))
        let composite = Index(columns: ["amount", "a", "b"], descending: [false, false, false], unique: false)
        #expect(composite.serves(equality: [], sort: "amount", key: ["a", "b"]))
        #expect(!composite.serves(equality: [], sort: "amount", key: ["b", "a"]))
    }
}
