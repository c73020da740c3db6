import Foundation
import PGKit

/// Memories: create (with or without an embedding), find, a user's memories newest first,
/// update, delete, similarity search, and bulk insert through COPY.
public struct MemoryRepository: Sendable {
    let context: RepositoryContext
    private var store: RecordStore<Memory> { context.store(Memory.self) }

    /// A memory and how similar it is to the query (1 = same direction, cosine similarity).
    public struct ScoredMemory: Sendable {
        public let memory: Memory
        public let similarity: Double
    }

    @discardableResult
    public func create(content: String, userId: UUID, sessionId: UUID? = nil,
                       embedding: Vector384? = nil, importance: Double = 0) async throws -> Memory {
        try await context.actingFor(userId) { scoped in
            try await ConstraintErrors.translating(["user_id": userId.uuidString, "session_id": sessionId?.uuidString ?? ""]) {
                try await scoped.store(Memory.self).insert(MemoryInsert(
                    content: content, embedding: embedding, userId: userId, sessionId: sessionId, importance: importance))
            }
        }
    }

    /// Creates a memory from raw floats; `wrongEmbeddingDimension` unless there are 384.
    @discardableResult
    public func create(content: String, userId: UUID, sessionId: UUID? = nil,
                       embedding: [Float], importance: Double = 0) async throws -> Memory {
        try await create(content: content, userId: userId, sessionId: sessionId,
                         embedding: try Self.vector(embedding), importance: importance)
    }

    public func find(id: UUID) async throws -> Memory? { try await store.find(id) }

    /// A user's memories, newest first.
    public func memories(forUser userId: UUID, page: PageRequest = PageRequest()) async throws -> Page<Memory> {
        try await context.actingFor(userId) { scoped in
            try await scoped.store(Memory.self).list(where: .equals("user_id", userId), orderBy: RecordOrder("created_at", descending: true), page: page)
        }
    }

    public func update(id: UUID, _ changes: MemoryUpdate) async throws -> Memory {
        try await ConstraintErrors.translating { try await store.update(id, changes) }
    }

    public func delete(id: UUID) async throws { try await store.delete(id) }

    /// The memories nearest to `embedding` by Euclidean (L2) distance, nearest first (seed 002's
    /// `findSimilar`). Memories without an embedding are skipped.
    public func findSimilar(to embedding: Vector384, limit: Int = 5) async throws -> [Memory] {
        let rows = try await LiveReads.declaring([.table("memories")]) {
            try await context.executor.query("""
                SELECT \(unescaped: Memory.selectList) FROM memories WHERE embedding IS NOT NULL
                ORDER BY embedding <-> \(embedding) LIMIT \(Self.cap(limit))
                """)
        }
        return try rows.map(Memory.init(row:))
    }

    /// `userId`'s memories most similar to `embedding` by cosine similarity (1 minus cosine
    /// distance), best first, through the HNSW index. The index scan is iterative (pgvector's
    /// `relaxed_order`), so a user with few memories among many still gets `limit` results;
    /// the rows it finds are then sorted by their exact distance.
    public func findSimilarMemories(to embedding: Vector384, userId: UUID, limit: Int = 5) async throws -> [ScoredMemory] {
        // The settings go with BEGIN in one round trip: BEGIN, the query, COMMIT.
        var settings = context.setsCurrentUser ? CurrentUser.settings(userId) : [:]
        settings["hnsw.iterative_scan"] = "relaxed_order"
        // Plan for this user's row count: a generic plan (a prepared statement's, after five
        // calls) picks one strategy for all users, sorting a heavy user's every memory.
        settings["plan_cache_mode"] = "force_custom_plan"
        // READ ONLY: a connection lost at its COMMIT is a plain, retryable `.connectionLost`.
        let options = PGTransactionOptions(readOnly: true, settings: settings)
        return try await LiveReads.declaring([.rows(of: "memories", where: [.equals("user_id", userId)])]) {
            try await nearest(to: embedding, userId: userId, limit: limit, options: options)
        }
    }

    private func nearest(to embedding: Vector384, userId: UUID, limit: Int, options: PGTransactionOptions) async throws -> [ScoredMemory] {
        try await context.executor.transaction(options) { connection in
            // The vector is bound once and used twice ($1), so the server computes each returned
            // row's distance once and receives 1.5 KB instead of 3.
            let rows = try await connection.query("""
                WITH nearest AS MATERIALIZED (
                    SELECT \(Memory.selectList), embedding <=> $1 AS distance
                    FROM memories WHERE user_id = $2 AND embedding IS NOT NULL
                    ORDER BY embedding <=> $1 LIMIT $3)
                SELECT \(Memory.selectList), 1 - distance AS similarity FROM nearest ORDER BY distance
                """, [embedding, userId, Self.cap(limit)])
            return try rows.map { row in
                ScoredMemory(memory: try Memory(row: row), similarity: try row.decode(Double.self, at: Memory.columnNames.count))
            }
        }
    }

    /// Inserts many memories at once with binary COPY (thousands per second); returns the count.
    /// Ids, timestamps and importance come from the database defaults unless given.
    @discardableResult
    public func insertMany(_ memories: [MemoryInsert]) async throws -> Int {
        guard !memories.isEmpty else { return 0 }
        let columns = ["id", "content", "embedding", "importance", "user_id", "session_id"]
        let rows: [[any PGEncodable]] = memories.map { memory in
            [memory.id ?? UUID.version7(), memory.content, memory.embedding, memory.importance ?? 0, memory.userId, memory.sessionId]
        }
        return try await ConstraintErrors.translating {
            try await context.executor.copyIn(table: Memory.tableName, columns: columns, rows: rows)
        }
    }

    /// `floats` as an embedding; `wrongEmbeddingDimension` unless there are 384 (for callers
    /// that validate a request before running anything).
    public static func vector(_ floats: [Float]) throws -> Vector384 {
        guard floats.count == Vector384.dimensions else {
            throw RepositoryError.wrongEmbeddingDimension(expected: Vector384.dimensions, actual: floats.count)
        }
        return try Vector384(floats)
    }

    private static func cap(_ limit: Int) -> Int { min(max(limit, 1), PageRequest.maximumLimit) }
}
