import Foundation
import Logging
import PostgresNIO

/// docs/BENCHMARK_WORKLOADS.md through PostgresNIO, written as its documentation suggests:
/// `PostgresConnection` for one connection, `PostgresClient` (its pool) for concurrent callers,
/// `PostgresPreparedStatement` for the repeated statements, rows decoded into the same Swift
/// types as PGKit's bench decodes them. Each workload prints one JSON line.
enum Workloads {
    struct User: Sendable { var id: Int64; var email: String; var name: String; var createdAt: Date }
    struct Message: Sendable { var id: UUID; var sessionID: UUID; var role: String; var content: String; var createdAt: Date }

    /// PostgresNIO asks for a logger on every call; the bench logs nothing.
    static let logger = Logger(label: "postgresnio-bench", factory: { _ in SwiftLogNoOpLogHandler() })

    static func emit(_ workload: String, _ metrics: KeyValuePairs<String, Double>) {
        let fields = metrics.map { "\"\($0.key)\": \(String(format: abs($0.value) < 10 ? "%.3f" : "%.1f", $0.value))" }.joined(separator: ", ")
        print("{\"impl\": \"postgresnio\", \"workload\": \"\(workload)\", \(fields)}")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func connect(_ config: PostgresConnection.Configuration) async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
    }

    /// The point select, its one row decoded into a `User`.
    static func user(_ rows: AsyncThrowingMapSequence<PostgresRowSequence, UserByID.Row>) async throws -> User {
        var user: User?
        for try await (id, email, name, createdAt) in rows { user = User(id: id, email: email, name: name, createdAt: createdAt) }
        guard let user else { throw BenchError("the point select returned no row") }
        return user
    }

    /// A `PostgresClient` of exactly four connections, running for the duration of `body`. The
    /// four connections are opened, and the point select prepared on each, before `body` (not timed).
    static func withPool<Result: Sendable>(_ config: PostgresClient.Configuration,
                                           _ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        var config = config
        config.options.minimumConnections = 4
        config.options.maximumConnections = 4
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { await client.run(); return nil }
            // Four leases held at once: four connections, each with the statement prepared.
            try await withThrowingTaskGroup(of: Void.self) { warmUp in
                for _ in 0..<4 {
                    warmUp.addTask {
                        try await client.withConnection { connection in
                            _ = try await user(connection.execute(UserByID(id: 1), logger: logger))
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
                try await warmUp.waitForAll()
            }
            let result = try await body(client)
            group.cancelAll()
            return result
        }
    }

    static func w1(_ config: PostgresConnection.Configuration) async throws {
        let conn = try await connect(config)
        var random = SplitMix64(seed: 42)
        var latencies: [Double] = []
        latencies.reserveCapacity(20_000)
        var checksum: Int64 = 0
        let clock = ContinuousClock()
        let before = ProcessUsage.now()
        let start = clock.now
        for _ in 0..<20_000 {
            let id = Int64(random.next() % 10_000 + 1)
            let began = clock.now
            checksum &+= try await user(conn.execute(UserByID(id: id), logger: logger)).id
            latencies.append(seconds(clock.now - began) * 1e6)
        }
        let elapsed = seconds(clock.now - start)
        let usage = ProcessUsage.now().since(before, statements: 20_000)
        latencies.sort()
        emit("W1", ["qps": 20_000 / elapsed, "p50_us": latencies[10_000], "p99_us": latencies[19_800],
                    "cpu_us_per_stmt": usage.cpuMicroseconds, "user_us_per_stmt": usage.userMicroseconds, "vcsw_per_stmt": usage.voluntary, "ivcsw_per_stmt": usage.involuntary])
        precondition(checksum != 0)
        try await conn.close()
    }

    static func w2(_ config: PostgresClient.Configuration) async throws {
        try await withPool(config) { client in
            let before = ProcessUsage.now()
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var random = SplitMix64(seed: 42 + UInt64(worker) + 1)
                        for _ in 0..<5_000 {
                            let id = Int64(random.next() % 10_000 + 1)
                            _ = try await user(client.execute(UserByID(id: id)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = seconds(ContinuousClock.now - start)
            let usage = ProcessUsage.now().since(before, statements: 40_000)
            emit("W2", ["qps": 40_000 / elapsed,
                        "cpu_us_per_stmt": usage.cpuMicroseconds, "user_us_per_stmt": usage.userMicroseconds, "vcsw_per_stmt": usage.voluntary, "ivcsw_per_stmt": usage.involuntary])
        }
    }

    /// W6: the W1 query, 80,000 times from 64 tasks over the client's 4 connections. PostgresNIO
    /// has no pipelining across callers: each statement leases a connection for its round trip.
    static func w6(_ config: PostgresClient.Configuration) async throws {
        try await withPool(config) { client in
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
                            _ = try await user(client.execute(UserByID(id: id)))
                            latencies.append(seconds(ContinuousClock.now - began) * 1e6)
                        }
                        return latencies
                    }
                }
                return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
            }
            let elapsed = seconds(ContinuousClock.now - start)
            let usage = ProcessUsage.now().since(before, statements: 80_000)
            emit("W6", ["qps": 80_000 / elapsed, "p50_us": latencies[40_000], "p99_us": latencies[79_200],
                        "cpu_us_per_stmt": usage.cpuMicroseconds, "user_us_per_stmt": usage.userMicroseconds, "vcsw_per_stmt": usage.voluntary, "ivcsw_per_stmt": usage.involuntary])
        }
    }

    static func w3(_ config: PostgresConnection.Configuration) async throws {
        let conn = try await connect(config)
        var rates: [Double] = []
        // One destination array for all rounds, overwritten in place, as the other sides do.
        var messages: [Message] = []
        messages.reserveCapacity(100_000)
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let rows = try await conn.query("SELECT id, session_id, role, content, created_at FROM bench_messages", logger: logger)
            var index = 0
            for try await (id, session, role, content, created) in rows.decode((UUID, UUID, String, String, Date).self) {
                let message = Message(id: id, sessionID: session, role: role, content: content, createdAt: created)
                if index < messages.count { messages[index] = message } else { messages.append(message) }
                index += 1
            }
            rates.append(Double(index) / seconds(ContinuousClock.now - start))
        }
        emit("W3", ["rows_per_s": rates.sorted()[2]])
        try await conn.close()
    }

    /// W4a (one prepared INSERT per row in one transaction) and W4b (PostgresNIO's bulk path,
    /// `copyFrom`, which speaks COPY's text format). No W4c: PostgresNIO has no pipelining or
    /// batching API; a connection runs one statement at a time.
    static func w4(_ config: PostgresConnection.Configuration) async throws {
        let messages = BenchData.messages(50_000)
        let conn = try await connect(config)

        try await conn.query("TRUNCATE bench_messages_load", logger: logger)
        var start = ContinuousClock.now
        try await conn.withTransaction(logger: logger) { tx in
            for message in messages { _ = try await tx.execute(InsertMessage(message: message), logger: logger) }
        }
        emit("W4a", ["rows_per_s": 50_000 / seconds(ContinuousClock.now - start)])

        try await conn.query("TRUNCATE bench_messages_load", logger: logger)
        start = ContinuousClock.now
        try await conn.copyFrom(table: "bench_messages_load", columns: ["id", "session_id", "role", "content", "created_at"], logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 16 + 4096)
            for message in messages {
                // The generated content is lowercase letters: nothing to escape in COPY's text format.
                buffer.writeString("\(message.id.uuidString)\t\(message.sessionID.uuidString)\t\(message.role)\t\(message.content)\t")
                writeTimestamp(message.createdAt, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\n"))
                if buffer.readableBytes >= 1 << 16 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        emit("W4b", ["rows_per_s": 50_000 / seconds(ContinuousClock.now - start)])
        try await conn.close()
    }

    /// A `timestamptz` in COPY's text form, `2025-01-01 00:00:05+00` (whole seconds, as the
    /// bench's timestamps are), without Foundation's date formatters, which cost more than the
    /// rest of the row.
    static func writeTimestamp(_ date: Date, to buffer: inout ByteBuffer) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) {
            buffer.writeInteger(UInt8(48 + value / 10))
            buffer.writeInteger(UInt8(48 + value % 10))
        }
        let year = parts.tm_year + 1900
        two(year / 100); two(year % 100)
        buffer.writeInteger(UInt8(ascii: "-")); two(parts.tm_mon + 1)
        buffer.writeInteger(UInt8(ascii: "-")); two(parts.tm_mday)
        buffer.writeInteger(UInt8(ascii: " ")); two(parts.tm_hour)
        buffer.writeInteger(UInt8(ascii: ":")); two(parts.tm_min)
        buffer.writeInteger(UInt8(ascii: ":")); two(parts.tm_sec)
        buffer.writeString("+00")
    }

    /// pgvector's text form of a vector, `[x,y,...]`, as a PostgresNIO user would send it.
    static func vectorText(_ values: ArraySlice<Float>) -> String {
        var text = "["
        text.reserveCapacity(values.count * 12)
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += value.description
        }
        return text + "]"
    }

    static func w5(_ config: PostgresConnection.Configuration) async throws {
        var random = SplitMix64(seed: 42)
        let embeddings = (0..<(10_000 * 384)).map { _ in random.nextSignedUnitFloat() }
        let conn = try await connect(config)
        try await conn.query("TRUNCATE bench_memories", logger: logger)
        var start = ContinuousClock.now
        // PostgresNIO's bulk path: COPY in text format, each vector in pgvector's text form.
        try await conn.copyFrom(table: "bench_memories", columns: ["id", "user_id", "content", "embedding"], logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 16 + 8192)
            for index in 0..<10_000 {
                let id = index + 1
                buffer.writeString("\(id)\t\(id % 100)\tmemory \(id)\t\(vectorText(embeddings[index * 384..<(index + 1) * 384]))\n")
                if buffer.readableBytes >= 1 << 16 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        let insertRate = 10_000 / seconds(ContinuousClock.now - start)
        // The searches run against bench_memories_knn, indexed once by the bench's setup.
        var checksum = 0.0
        start = ContinuousClock.now
        for _ in 0..<500 {
            let query = vectorText((0..<384).map { _ in random.nextSignedUnitFloat() }[...])
            for try await (id, content, distance) in try await conn.execute(NearestMemories(vector: query), logger: logger) {
                checksum += distance + Double(id) + Double(content.utf8.count)
            }
        }
        emit("W5", ["insert_rows_per_s": insertRate, "qps": 500 / seconds(ContinuousClock.now - start)])
        precondition(checksum != 0)
        try await conn.close()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
