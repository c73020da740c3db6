import Foundation
import PGKit

/// R1: real time. Latency from a client's statement to the event in a consumer, one at a time
/// (p50, p99 over 500 each), for NOTIFY through `PGListener` and for an INSERT through
/// `PGChangeStream`; then sustained changes per second through the stream while 20,000 rows
/// are loaded with COPY in batches of 1,000. The writes commit with synchronous_commit=on. The
/// C side (Benchmarks/LibPQBaseline/realtime.c) does the same over libpq for NOTIFY and through
/// pg_recvlogical (pgoutput, the same options) for the stream.
enum RealTimeWorkload {
    static func run(_ config: PGConfig) async throws {
        let conn = try await PGConnection.connect(config)
        try await conn.executeScript("""
            DROP TABLE IF EXISTS bench_changes; CREATE TABLE bench_changes (id int8 PRIMARY KEY, body text);
            DROP PUBLICATION IF EXISTS bench_changes_pub; CREATE PUBLICATION bench_changes_pub FOR TABLE bench_changes
            """)
        let samples = 500
        // A walsender sends only WAL that is flushed: with synchronous_commit=off (as
        // scripts/pg-cluster runs) a commit waits for the WAL writer (wal_writer_delay, 200 ms).
        try await conn.executeScript("SET synchronous_commit = on")

        let listener = try await PGListener.connect(config, channels: ["bench"])
        var notifyLatencies: [Double] = []
        var listenerIterator = listener.makeAsyncIterator()
        for index in 0..<samples {
            let started = ContinuousClock.now
            try await conn.notify("bench", payload: String(index))
            while let event = try await listenerIterator.next(), event.notification?.payload != String(index) {}
            notifyLatencies.append(milliseconds(ContinuousClock.now - started))
        }
        await listener.close()

        let slot = "bench_changes_\(getpid())"
        let stream = try await PGChangeStream.connect(config, slot: slot, publication: "bench_changes_pub", options: .init(temporarySlot: true))
        var iterator = stream.makeAsyncIterator()
        var changeLatencies: [Double] = []
        for id in 0..<Int64(samples) {
            let started = ContinuousClock.now
            try await conn.execute("INSERT INTO bench_changes VALUES (\(id), 'latency')")
            while let event = try await iterator.next() {
                if case .commit(let commit) = event {
                    stream.acknowledge(commit)
                    break
                }
            }
            changeLatencies.append(milliseconds(ContinuousClock.now - started))
        }

        let total = 20_000
        let loader = Task {
            for batch in stride(from: 0, to: total, by: 1_000) {
                let rows: [[any PGEncodable]] = (batch..<batch + 1_000).map { [Int64(samples + $0), "throughput \($0)"] }
                try await conn.copyIn(table: "bench_changes", columns: ["id", "body"], rows: rows)
            }
        }
        let started = ContinuousClock.now
        var received = 0
        while received < total, let event = try await iterator.next() {
            switch event {
            case .change: received += 1
            case .commit(let commit): stream.acknowledge(commit)
            default: break
            }
        }
        let seconds = milliseconds(ContinuousClock.now - started) / 1000
        try await loader.value
        await stream.close()
        await conn.close()
        let line: [String: Any] = [
            "impl": "pgkit", "workload": "R1",
            "notify_p50_ms": percentile(notifyLatencies, 0.5), "notify_p99_ms": percentile(notifyLatencies, 0.99),
            "change_p50_ms": percentile(changeLatencies, 0.5), "change_p99_ms": percentile(changeLatencies, 0.99),
            "changes_per_s": Double(total) / seconds,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return (sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] * 1000).rounded() / 1000
    }
}
