import Foundation
import PGKit
import Repositories

/// The benchmark rows, generated exactly as the C baseline does (SplitMix64, seed 42).
enum BenchData {
    struct Message: Sendable {
        var id: UUID
        var sessionID: UUID
        var role: String
        var content: String
        var createdAt: Date
    }

    static let base = Date(timeIntervalSince1970: 1_735_689_600)

    static func uuid(_ a: UInt64, _ b: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: a >> UInt64(index * 8)) }
        for index in 0..<8 { bytes[8 + index] = UInt8(truncatingIfNeeded: b >> UInt64(index * 8)) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    static func messages(_ count: Int) -> [Message] {
        var random = SplitMix64(seed: 42)
        let sessions = (0..<1000).map { _ in uuid(random.next(), random.next()) }
        let roles = ["user", "assistant", "system"]
        return (0..<count).map { index in
            let id = uuid(random.next(), random.next())
            let session = sessions[Int(random.next() % 1000)]
            var content = [UInt8](repeating: 0, count: 200)
            for chunk in stride(from: 0, to: 200, by: 8) {
                let bits = random.next()
                for k in 0..<8 { content[chunk + k] = 97 + UInt8((bits >> UInt64(k * 8)) & 0xFF) % 26 }
            }
            return Message(id: id, sessionID: session, role: roles[index % 3], content: String(decoding: content, as: UTF8.self),
                           createdAt: base.addingTimeInterval(Double(index)))
        }
    }

    /// Rows for COPY, produced while COPY consumes them.
    struct MessageRows: Sequence, Sendable {
        let messages: [Message]
        func makeIterator() -> AnyIterator<[any PGEncodable]> {
            var iterator = messages.makeIterator()
            return AnyIterator {
                iterator.next().map { [$0.id, $0.sessionID, $0.role, $0.content, $0.createdAt] }
            }
        }
    }

    /// Before each timed run (not timed): writes dirty pages out, so that neither side pays for
    /// a checkpoint the other side's writes caused. Needs a superuser; skipped otherwise.
    static func quiesce(_ conn: PGConnection) async {
        try? await conn.executeScript("CHECKPOINT")
    }

    /// Creates and fills the shared tables (not timed). The tables the workloads write to
    /// are left alone by autovacuum, which would otherwise start at random moments mid-run.
    static func setUp(_ conn: PGConnection) async throws {
        try await conn.executeScript("""
            CREATE EXTENSION IF NOT EXISTS vector;
            DROP TABLE IF EXISTS bench_users, bench_messages, bench_messages_load, bench_memories, bench_memories_knn;
            CREATE TABLE bench_users (id bigint PRIMARY KEY, email text NOT NULL, name text NOT NULL, created_at timestamptz NOT NULL);
            INSERT INTO bench_users SELECT g, 'user' || g || '@example.com', 'User ' || g, '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 second'
              FROM generate_series(1, 10000) g;
            CREATE TABLE bench_messages (id uuid PRIMARY KEY, session_id uuid NOT NULL, role text NOT NULL, content text NOT NULL, created_at timestamptz NOT NULL);
            CREATE TABLE bench_messages_load (LIKE bench_messages INCLUDING ALL) WITH (autovacuum_enabled = false);
            CREATE TABLE bench_memories (id bigint PRIMARY KEY, user_id bigint NOT NULL, content text NOT NULL, embedding vector(384) NOT NULL)
              WITH (autovacuum_enabled = false);
            CREATE TABLE bench_memories_knn (LIKE bench_memories);
            CREATE EXTENSION IF NOT EXISTS pg_prewarm;
            """)
        try await conn.reloadTypes()
        // W5's searches: the rows W5 inserts, indexed once here, so that every side and every
        // run searches the same HNSW graph (pgvector draws node levels at random, and a graph
        // built per run made the kNN ratio compare two different indexes), read into memory.
        var random = SplitMix64(seed: 42)
        let embeddings = (0..<(10_000 * 384)).map { _ in random.nextSignedUnitFloat() }
        let vectors = try (0..<10_000).map { index in try PGVector(Array(embeddings[index * 384..<(index + 1) * 384])) }
        try await conn.copyIn(table: "bench_memories_knn", columns: ["id", "user_id", "content", "embedding"],
                              rows: Workloads.MemoryRows(vectors: vectors))
        try await conn.executeScript("CREATE INDEX bench_memories_knn_embedding ON bench_memories_knn USING hnsw (embedding vector_cosine_ops)")
        try await conn.executeScript("VACUUM ANALYZE bench_memories_knn")
        try await conn.executeScript("SELECT pg_prewarm('bench_memories_knn'), pg_prewarm('bench_memories_knn_embedding')")
        try await conn.copyIn(table: "bench_messages", columns: ["id", "session_id", "role", "content", "created_at"],
                              rows: MessageRows(messages: messages(100_000)))
        try await conn.executeScript("VACUUM ANALYZE bench_users")
        try await conn.executeScript("VACUUM ANALYZE bench_messages")
    }
}
