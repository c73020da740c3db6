import Foundation
import PGKit
import Repositories

/// docs/BENCHMARK_WORKLOADS.md through PGKit's public API. Each prints one JSON line.
enum Workloads {
    struct User: Sendable { var id: Int64; var email: String; var name: String; var createdAt: Date }
    struct Message: Sendable { var id: UUID; var sessionID: UUID; var role: String; var content: String; var createdAt: Date }

    static func emit(_ workload: String, _ metrics: KeyValuePairs<String, Double>) {
        let fields = metrics.map { "\"\($0.key)\": \(String(format: abs($0.value) < 10 ? "%.3f" : "%.1f", $0.value))" }.joined(separator: ", ")
        print("{\"impl\": \"pgkit\", \"workload\": \"\(workload)\", \(fields)}")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func user(_ row: PGRow) throws -> User {
        let (id, email, name, createdAt) = try row.decode((Int64, String, String, Date).self)
        return User(id: id, email: email, name: name, createdAt: createdAt)
    }

    static func w1(_ config: PGConfig) async throws {
        let conn = try await PGConnection.connect(config)
        var random = SplitMix64(seed: 42)
        var latencies: [Double] = []
        latencies.reserveCapacity(20_000)
        var checksum: Int64 = 0
        let clock = ContinuousClock()
        let before = ProcessUsage.now()
        let start = clock.now
        try await conn.withConnectionThread {
            for _ in 0..<20_000 {
                let id = Int64(random.next() % 10_000 + 1)
                let began = clock.now
                let rows = try await conn.query("SELECT id, email, name, created_at FROM bench_users WHERE id = \(id)")
                checksum &+= try user(rows[0]).id
                latencies.append(seconds(clock.now - began) * 1e6)
            }
        }
        let elapsed = seconds(clock.now - start)
        let usage = ProcessUsage.now().since(before, statements: 20_000)
        latencies.sort()
        precondition(checksum != 0)
        await conn.close()
        let pooled = try await w1ThroughPool(config)
        emit("W1", ["qps": 20_000 / elapsed, "p50_us": latencies[10_000], "p99_us": latencies[19_800],
                    "cpu_us_per_stmt": usage.cpuMicroseconds, "user_us_per_stmt": usage.userMicroseconds, "vcsw_per_stmt": usage.voluntary, "ivcsw_per_stmt": usage.involuntary,
                    "pool_qps": pooled.qps, "pool_cpu_us_per_stmt": pooled.usage.cpuMicroseconds, "pool_vcsw_per_stmt": pooled.usage.voluntary])
    }

    /// W1's statement 5,000 times from one task through `pool.query` on a pool of one
    /// connection, as a request handler runs its statements one after another (no
    /// `withConnectionThread`): `pool_qps` and its CPU time and sleeps per statement.
    static func w1ThroughPool(_ config: PGConfig) async throws -> (qps: Double, usage: ProcessUsage.PerStatement) {
        let pool = PGPool(config: config, configuration: .init(minConnections: 1, maxConnections: 1))
        var random = SplitMix64(seed: 43)
        var checksum: Int64 = 0
        _ = try await pool.query("SELECT id, email, name, created_at FROM bench_users WHERE id = \(Int64(1))")
        let before = ProcessUsage.now()
        let start = ContinuousClock.now
        for _ in 0..<5_000 {
            let id = Int64(random.next() % 10_000 + 1)
            let rows = try await pool.query("SELECT id, email, name, created_at FROM bench_users WHERE id = \(id)")
            checksum &+= try user(rows[0]).id
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let usage = ProcessUsage.now().since(before, statements: 5_000)
        precondition(checksum != 0)
        await pool.shutdown()
        return (5_000 / elapsed, usage)
    }

    /// W6: the W1 query, 80,000 times from 64 tasks over a pool of 4 connections, each row
    /// decoded: `qps`, `p50_us`, `p99_us` with the pool's statements pipelined across tasks, and
    /// `exclusive_qps` with each statement holding a connection for its round trip.
    static func w6(_ config: PGConfig) async throws {
        let exclusive = try await w6Run(config, pipelined: false)
        let pipelined = try await w6Run(config, pipelined: true)
        emit("W6", ["qps": pipelined.qps, "p50_us": pipelined.p50, "p99_us": pipelined.p99,
                    "exclusive_qps": exclusive.qps, "exclusive_p50_us": exclusive.p50, "exclusive_p99_us": exclusive.p99,
                    "cpu_us_per_stmt": pipelined.usage.cpuMicroseconds, "user_us_per_stmt": pipelined.usage.userMicroseconds, "vcsw_per_stmt": pipelined.usage.voluntary,
                    "ivcsw_per_stmt": pipelined.usage.involuntary])
    }

    private static func w6Run(_ config: PGConfig, pipelined: Bool) async throws -> (qps: Double, p50: Double, p99: Double, usage: ProcessUsage.PerStatement) {
        let pool = PGPool(config: config, configuration: .init(minConnections: 4, maxConnections: 4, pipelinesStatements: pipelined))
        for _ in 0..<200 where pool.statistics.idle < 4 { try await Task.sleep(for: .milliseconds(10)) }
        let before = ProcessUsage.now()
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<64 {
                group.addTask {
                    var random = SplitMix64(seed: 42 + UInt64(worker) + 1)
                    var latencies: [Double] = []
                    latencies.reserveCapacity(1_250)
                    for _ in 0..<1_250 {
                        let id = Int64(random.next() % 10_000 + 1)
                        let began = ContinuousClock.now
                        let rows = try await pool.query("SELECT id, email, name, created_at FROM bench_users WHERE id = \(id)")
                        _ = try user(rows[0])
                        latencies.append(seconds(ContinuousClock.now - began) * 1e6)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let usage = ProcessUsage.now().since(before, statements: 80_000)
        await pool.shutdown()
        return (80_000 / elapsed, latencies[40_000], latencies[79_200], usage)
    }

    /// W2 with `PGKIT_BENCH_W2_PIPELINES=1` in the environment runs its pool with
    /// `pipelinesStatements` on (off by default, as a pool's default is); its line then says so.
    static let w2Pipelines = ProcessInfo.processInfo.environment["PGKIT_BENCH_W2_PIPELINES"] == "1"

    static func w2(_ config: PGConfig) async throws {
        let pool = PGPool(config: config, configuration: .init(maxConnections: 4, pipelinesStatements: w2Pipelines))
        let before = ProcessUsage.now()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var random = SplitMix64(seed: 42 + UInt64(worker) + 1)
                    for _ in 0..<5_000 {
                        let id = Int64(random.next() % 10_000 + 1)
                        let rows = try await pool.query("SELECT id, email, name, created_at FROM bench_users WHERE id = \(id)")
                        _ = try user(rows[0])
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let usage = ProcessUsage.now().since(before, statements: 40_000)
        emit("W2", ["qps": 40_000 / elapsed, "pipelined": w2Pipelines ? 1 : 0,
                    "cpu_us_per_stmt": usage.cpuMicroseconds, "user_us_per_stmt": usage.userMicroseconds, "vcsw_per_stmt": usage.voluntary, "ivcsw_per_stmt": usage.involuntary])
        await pool.shutdown()
    }

    static func w3(_ config: PGConfig) async throws {
        let conn = try await PGConnection.connect(config)
        var rates: [Double] = []
        var decodeNanoseconds: [Double] = []
        // One destination array for all rounds, overwritten in place, as the C program's is.
        var messages: [Message] = []
        messages.reserveCapacity(100_000)
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let rows = try await conn.query("SELECT id, session_id, role, content, created_at FROM bench_messages")
            let decodeStart = ContinuousClock.now
            for (index, row) in rows.enumerated() {
                let (id, session, role, content, created) = try row.decode((UUID, UUID, String, String, Date).self)
                let message = Message(id: id, sessionID: session, role: role, content: content, createdAt: created)
                if index < messages.count { messages[index] = message } else { messages.append(message) }
            }
            let end = ContinuousClock.now
            decodeNanoseconds.append(seconds(end - decodeStart) * 1e9 / Double(rows.count))
            rates.append(Double(rows.count) / seconds(end - start))
        }
        emit("W3", ["rows_per_s": rates.sorted()[2], "decode_ns_per_row": decodeNanoseconds.sorted()[2]])
        await conn.close()
    }

    static func w4(_ config: PGConfig) async throws {
        let messages = BenchData.messages(50_000)
        let conn = try await PGConnection.connect(config)
        func insert(_ message: BenchData.Message) -> PGQuery {
            """
            INSERT INTO bench_messages_load (id, session_id, role, content, created_at)
            VALUES (\(message.id), \(message.sessionID), \(message.role), \(message.content), \(message.createdAt))
            """
        }

        let insertSQL = "INSERT INTO bench_messages_load (id, session_id, role, content, created_at) VALUES ($1, $2, $3, $4, $5)"

        try await conn.executeScript("TRUNCATE bench_messages_load")
        let before = ProcessUsage.now()
        var start = ContinuousClock.now
        // A long run of small statements: run it on the connection's thread (see W1).
        try await conn.withConnectionThread {
            try await conn.transaction { tx in
                for message in messages { try await tx.execute(insert(message)) }
            }
        }
        let usage = ProcessUsage.now().since(before, statements: 50_000)
        emit("W4a", ["rows_per_s": 50_000 / seconds(ContinuousClock.now - start),
                     "cpu_us_per_stmt": usage.cpuMicroseconds, "user_us_per_stmt": usage.userMicroseconds, "vcsw_per_stmt": usage.voluntary, "ivcsw_per_stmt": usage.involuntary])

        try await conn.executeScript("TRUNCATE bench_messages_load")
        start = ContinuousClock.now
        try await conn.copyIn(table: "bench_messages_load", columns: ["id", "session_id", "role", "content", "created_at"],
                              rows: BenchData.MessageRows(messages: messages))
        emit("W4b", ["rows_per_s": 50_000 / seconds(ContinuousClock.now - start)])

        try await conn.executeScript("TRUNCATE bench_messages_load")
        start = ContinuousClock.now
        // PGKit's batching: one INSERT per row, pipelined as the rows are encoded, one
        // transaction, a sync point every 1,000 rows (as the C program syncs) whose replies are
        // read while the next rows go out.
        try await conn.executeMany(insertSQL, BenchData.MessageRows(messages: messages))
        emit("W4c", ["rows_per_s": 50_000 / seconds(ContinuousClock.now - start)])
        await conn.close()
    }

    /// The memories as the app holds them (vectors already built, as the C program's floats
    /// are already in memory), turned into COPY rows as they are sent.
    struct MemoryRows: Sequence, Sendable {
        let vectors: [PGVector]
        func makeIterator() -> AnyIterator<[any PGEncodable]> {
            var index = 0
            let vectors = self.vectors
            return AnyIterator {
                guard index < vectors.count else { return nil }
                defer { index += 1 }
                let id = Int64(index + 1)
                return [id, id % 100, "memory \(id)", vectors[index]]
            }
        }
    }

    static func w5(_ config: PGConfig) async throws {
        var random = SplitMix64(seed: 42)
        let embeddings = (0..<(10_000 * 384)).map { _ in random.nextSignedUnitFloat() }
        let conn = try await PGConnection.connect(config)
        try await conn.executeScript("TRUNCATE bench_memories")
        let vectors = try (0..<10_000).map { index in try PGVector(Array(embeddings[index * 384..<(index + 1) * 384])) }
        var start = ContinuousClock.now
        try await conn.copyIn(table: "bench_memories", columns: ["id", "user_id", "content", "embedding"], rows: MemoryRows(vectors: vectors))
        let insertRate = 10_000 / seconds(ContinuousClock.now - start)
        // The searches run against bench_memories_knn, the same rows indexed once by `setup`,
        // so that every side and run searches the same HNSW graph.
        var checksum = 0.0
        start = ContinuousClock.now
        // A series of statements on one connection: run it on the connection's thread (see W1).
        try await conn.withConnectionThread {
            for _ in 0..<500 {
                let query = try PGVector((0..<384).map { _ in random.nextSignedUnitFloat() })
                // The workload's statement binds the vector once, as $1 in both places.
                let rows = try await conn.query("""
                    SELECT id, content, embedding <=> $1 AS distance FROM bench_memories_knn ORDER BY embedding <=> $1 LIMIT 10
                    """, [query])
                for row in rows {
                    let (id, content, distance) = try row.decode((Int64, String, Double).self)
                    checksum += distance + Double(id) + Double(content.utf8.count)
                }
            }
        }
        emit("W5", ["insert_rows_per_s": insertRate, "qps": 500 / seconds(ContinuousClock.now - start)])
        precondition(checksum != 0)
        await conn.close()
    }
}
