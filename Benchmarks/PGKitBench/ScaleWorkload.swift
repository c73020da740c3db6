import Foundation
import Migrator
import PGKit
import Repositories

/// W7 (docs/BENCHMARK_WORKLOADS.md): the chat operations through the repositories at a million
/// messages, in a database of its own (`pgkit_w7`, loaded once and kept between runs).
enum ScaleWorkload {
    static let databaseName = "pgkit_w7"
    static let bigSessionMessages = 300_000
    static let totalMessages = 1_000_000
    static let sessions = 1_000
    static let memories = 100_000
    static let heavyUserMemories = 20_000
    static let topics = 200
    /// How far an embedding strays from its topic, per dimension (topics are uniform in [-1, 1)).
    static let noise = 0.6

    /// The version of the data set; a database loaded with another is loaded again.
    static let dataVersion = 4

    /// The data set: 1,000 users with one session each; session 1 holds 300,000 messages and
    /// the other 999 share 700,000; 100,000 memories, 20,000 of them user 1's, the rest spread
    /// over the other 999 users. Every third message says "coffee"; one message per session
    /// says "zebra". Embeddings cluster around 200 random topics (each a topic plus noise), as
    /// sentence embeddings do: uniformly random 384-dimension vectors have no neighbours worth
    /// finding (HNSW's recall@10 on them was 0.10 at ef_search 40, measured here).
    static func load(_ server: PGConfig) async throws -> PGConfig {
        let config = server.withDatabase(databaseName)
        let admin = try await PGConnection.connect(server)
        try await admin.createDatabaseIfMissing(databaseName)
        let probe = try await PGConnection.connect(config)
        let loaded = try await probe.query("SELECT to_regclass('w7_version') IS NOT NULL").scalar(Bool.self) == true
            ? try await probe.query("SELECT max(version) FROM w7_version").scalar(Int.self) : nil
        await probe.close()
        if loaded != dataVersion {
            try await admin.executeScript("DROP DATABASE \(databaseName) WITH (FORCE)")
            try await admin.executeScript("CREATE DATABASE \(databaseName)")
        }
        await admin.close()
        try await Migrator(config: config, directory: MigrationDirectory(path: "migrations")).applyPending()
        let conn = try await PGConnection.connect(config)
        defer { Task { await conn.close() } }
        if try await conn.query("SELECT to_regclass('w7_version') IS NOT NULL").scalar(Bool.self) == true { return config }
        let started = ContinuousClock.now
        FileHandle.standardError.write(Data("W7: loading 1,000,000 messages and 100,000 memories (once)...\n".utf8))
        // The indexes the load drops and builds again afterwards, as the migrations define them.
        let definitions = try await conn.query("""
            SELECT indexname::text, indexdef FROM pg_indexes
            WHERE indexname IN ('messages_content_search', 'memories_embedding_cosine')
            """).reduce(into: [String: String]()) { $0[try $1.decode(String.self, at: 0)] = try $1.decode(String.self, at: 1) }
        guard let searchIndex = definitions["messages_content_search"], let vectorIndex = definitions["memories_embedding_cosine"] else {
            throw PGError(.invalidConfiguration, "W7: the migrations' indexes are missing")
        }
        try await conn.executeScript("""
            SET maintenance_work_mem = '1GB';
            SET synchronous_commit = off;
            INSERT INTO users (id, email, name, created_at)
                SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'user' || g || '@example.com', 'User ' || g,
                       '2026-01-01'::timestamptz + g * interval '1 second'
                FROM generate_series(1, \(sessions)) g;
            INSERT INTO sessions (id, user_id, created_at)
                SELECT ('00000000-0000-7000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                       '2026-01-01'::timestamptz + g * interval '1 second'
                FROM generate_series(1, \(sessions)) g;
            DROP INDEX IF EXISTS messages_content_search;
            INSERT INTO messages (session_id, role, content, created_at)
                SELECT ('00000000-0000-7000-9000-' || lpad(to_hex(pick.s), 12, '0'))::uuid,
                       (ARRAY['user', 'assistant', 'system'])[g % 3 + 1],
                       'message ' || g || CASE WHEN pick.n % 3 = 0 THEN ' about coffee' ELSE ' about tea' END
                           || CASE WHEN pick.n % 700 = 7 THEN ' and a zebra' ELSE '' END,
                       '2026-02-01'::timestamptz + (g / 4) * interval '1 millisecond'
                FROM generate_series(1, \(totalMessages)) g,
                     LATERAL (SELECT CASE WHEN g <= \(bigSessionMessages) THEN 1 ELSE 2 + g % \(sessions - 1) END AS s,
                                     CASE WHEN g <= \(bigSessionMessages) THEN g ELSE g / \(sessions - 1) END AS n) pick;
            \(searchIndex);
            DROP INDEX IF EXISTS memories_embedding_cosine;
            CREATE TABLE w7_topics AS
                SELECT t, array(SELECT random() * 2 - 1 + i * 0 + t * 0 FROM generate_series(1, 384) i)::float4[] AS centre
                FROM generate_series(0, \(topics - 1)) t;
            INSERT INTO memories (user_id, content, embedding, created_at)
                SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(CASE WHEN g <= \(heavyUserMemories) THEN 1 ELSE 2 + g % \(sessions - 1) END), 12, '0'))::uuid,
                       'memory ' || g,
                       (SELECT array_agg(c + (random() * 2 - 1) * \(noise)) FROM unnest(w.centre) c)::vector(384),
                       '2026-03-01'::timestamptz + g * interval '1 millisecond'
                FROM generate_series(1, \(memories)) g JOIN w7_topics w ON w.t = (g * 7919) % \(topics);
            \(vectorIndex);
            CREATE TABLE w7_version (version int);
            INSERT INTO w7_version VALUES (\(dataVersion));
            """)
        try await conn.executeScript("VACUUM ANALYZE")
        FileHandle.standardError.write(Data("W7: loaded in \(ContinuousClock.now - started)\n".utf8))
        return config
    }

    static func user(_ number: Int) -> UUID { UUID(uuidString: "00000000-0000-7000-8000-" + String(format: "%012x", number))! }
    static func session(_ number: Int) -> UUID { UUID(uuidString: "00000000-0000-7000-9000-" + String(format: "%012x", number))! }

    /// Times `body` `count` times; returns the sorted latencies in microseconds.
    static func time(_ count: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<count {
            let began = ContinuousClock.now
            try await body()
            latencies.append(Workloads.seconds(ContinuousClock.now - began) * 1e6)
        }
        return latencies.sorted()
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    static func run(_ server: PGConfig) async throws {
        let config = try await load(server)
        let db = Database(pool: PGPool(config: config, configuration: .init(maxConnections: 2)))
        let conn = try await PGConnection.connect(config)
        // Not timed: the HNSW index and the tables in shared buffers, as on a server under load
        // (a cold index is read from disk, 3,000 pages a query).
        try await conn.executeScript("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for relation in ["memories_embedding_cosine", "memories", "messages_session_id_created_at", "messages_content_search"] {
            _ = try await conn.query("SELECT pg_prewarm(\(relation))")
        }
        var metrics: [(String, Double)] = []
        func record(_ name: String, _ latencies: [Double]) {
            metrics.append((name + "_p50_us", percentile(latencies, 0.5)))
            metrics.append((name + "_p99_us", percentile(latencies, 0.99)))
        }

        // The big session: the first page, and the page after row 290,000 (its cursor found by
        // paging there once, untimed).
        let big = session(1)
        var cursor: String?
        var depth = 0
        while depth < 290_000 {
            let page = try await db.messages.messages(inSession: big, page: PageRequest(limit: 100, after: cursor))
            depth += page.items.count
            cursor = page.nextCursor
        }
        let first = try await time(300) { _ = try await db.messages.messages(inSession: big, page: PageRequest(limit: 50)) }
        let deepCursor = cursor
        let deep = try await time(300) { _ = try await db.messages.messages(inSession: big, page: PageRequest(limit: 50, after: deepCursor)) }
        record("first_page", first)
        record("deep_page", deep)
        metrics.append(("deep_to_first_p50", percentile(deep, 0.5) / percentile(first, 0.5)))

        // A small session, page by page to its end.
        var smallPages: [Double] = []
        for number in 2...21 {
            var next: String?
            repeat {
                let began = ContinuousClock.now
                let page = try await db.messages.messages(inSession: session(number), page: PageRequest(limit: 50, after: next))
                smallPages.append(Workloads.seconds(ContinuousClock.now - began) * 1e6)
                next = page.nextCursor
            } while next != nil
        }
        record("small_session_page", smallPages.sorted())

        // Full-text search scoped to a typical user (about 700 messages) and to the heavy one.
        record("search_common", try await time(200) { _ = try await db.messages.search("coffee", userId: user(5)) })
        record("search_rare", try await time(200) { _ = try await db.messages.search("zebra", userId: user(5)) })
        record("search_common_heavy_user", try await time(20) { _ = try await db.messages.search("coffee", userId: user(1)) })

        // Similarity search for the heavy user (20,000 memories) and a light one (about 80),
        // with recall@10 against an exact scan.
        var random = SplitMix64(seed: 42)
        let centres = try await conn.query("SELECT centre FROM w7_topics ORDER BY t").map { try $0.decode([Float].self, at: 0) }
        for (name, who) in [("similar_heavy", user(1)), ("similar_light", user(7))] {
            var latencies: [Double] = []
            var recall = 0.0
            var short = 0
            let queries = 100
            for _ in 0..<queries {
                let centre = centres[Int(random.next() % UInt64(centres.count))]
                let vector = try Vector384(centre.map { $0 + random.nextSignedUnitFloat() * Float(noise) })
                let began = ContinuousClock.now
                let found = try await db.memories.findSimilarMemories(to: vector, userId: who, limit: 10)
                latencies.append(Workloads.seconds(ContinuousClock.now - began) * 1e6)
                if found.count < 10 { short += 1 }
                let exact = try await conn.transaction(.init(settings: ["enable_indexscan": "off", "enable_bitmapscan": "off"])) { tx in
                    try await tx.query("SELECT id FROM memories WHERE user_id = \(who) ORDER BY embedding <=> \(vector) LIMIT 10")
                        .map { try $0.decode(UUID.self, at: 0) }
                }
                recall += Double(Set(found.map(\.memory.id)).intersection(exact).count) / Double(max(exact.count, 1))
            }
            record(name, latencies.sorted())
            metrics.append((name + "_recall_at_10", recall / Double(queries)))
            metrics.append((name + "_short_results", Double(short)))
        }

        record("count_big_session", try await time(20) { _ = try await db.messages.count(inSession: big) })
        record("create_message", try await time(500) {
            _ = try await db.messages.createMessage(content: "a new message at a million rows", role: .user, sessionId: session(3))
        })

        let fields = metrics.map { "\"\($0.0)\": \(String(format: "%.3f", $0.1))" }.joined(separator: ", ")
        print("{\"impl\": \"pgkit\", \"workload\": \"W7\", \(fields)}")
        // Keep the data set the same size for the next run.
        try await conn.execute("DELETE FROM messages WHERE content = 'a new message at a million rows'")
        await conn.close()
        await db.shutdown()
    }
}
