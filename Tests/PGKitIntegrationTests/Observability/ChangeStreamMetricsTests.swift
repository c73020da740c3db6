import Foundation
import Metrics
import MetricsTestKit
import PGKit
import PGKitTestSupport
import Testing

/// A change stream's metrics as a backend sees them, on a real server: events counted per slot
/// by kind (nothing of a rolled-back transaction), and the lag gauge growing while the consumer
/// holds an acknowledgement back and falling once it acknowledges.
@Suite struct ChangeStreamMetricsTests {
    static let database = SuiteDatabase("change_stream_metrics")

    /// Polls `condition` (loose bound: CI runs every suite at once).
    static func eventually(within limit: Duration = .seconds(60), _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    @Test func eventsAreCountedPerSlotAndTheLagGaugeFollowsAcknowledgements() async throws {
        let conn = try await Self.database.connect()
        try await conn.executeScript("""
            DROP TABLE IF EXISTS metered; CREATE TABLE metered (id int PRIMARY KEY, body text);
            DROP TABLE IF EXISTS unpublished; CREATE TABLE unpublished (body text);
            DROP PUBLICATION IF EXISTS metered_pub; CREATE PUBLICATION metered_pub FOR TABLE metered
            """)
        let metrics = TestMetrics()
        var config = try await Self.database.configuration()
        config.observability = PGObservability(metricsFactory: metrics, dimensions: [("app", "test")])
        let slot = "pgkit_test_metrics_\(UInt32.random(in: 0...UInt32.max))"
        let stream = try await PGChangeStream.connect(config, slot: slot, publication: "metered_pub",
                                                      options: .init(temporarySlot: true, lagSampleInterval: .milliseconds(100)))
        try await conn.transaction { tx in
            for id in 1...3 { try await tx.execute("INSERT INTO metered VALUES (\(Int32(id)), 'a')") }
        }
        _ = try? await conn.transaction { tx in
            try await tx.execute("INSERT INTO metered VALUES (9, 'rolled back')")
            throw CancellationError()
        }
        try await conn.execute("UPDATE metered SET body = 'b' WHERE id = 1")
        try await conn.execute("DELETE FROM metered WHERE id = 2")
        var iterator = stream.makeAsyncIterator()
        var commits: [PGTransactionCommit] = []
        while commits.count < 3, let event = try await iterator.next() {
            if case .commit(let commit) = event { commits.append(commit) }
        }
        let dimensions = [("app", "test"), ("slot", slot)]
        func events(_ kind: String) throws -> Int64 {
            try metrics.expectCounter("pgkit_change_stream_events", dimensions + [("kind", kind)]).totalValue
        }
        #expect(try events("insert") == 3)
        #expect(try events("update") == 1)
        #expect(try events("delete") == 1)
        #expect(try events("commit") == 3)

        // Nothing acknowledged: the slot keeps its position while the server writes more WAL.
        try await conn.execute("INSERT INTO unpublished SELECT repeat('x', 1000) FROM generate_series(1, 3000)")
        let lag = { try metrics.expectGauge("pgkit_change_stream_lag_bytes", dimensions).lastValue ?? -1 }
        let grew = try await Self.eventually { try lag() > 2_000_000 }
        let held = try lag()
        #expect(grew, "the gauge shows the WAL the slot holds: \(held)")
        // Acknowledged and idle: the stream confirms the server's position, and the lag falls.
        stream.acknowledge(try #require(commits.last))
        let fell = try await Self.eventually { try lag() < 1_000_000 }
        let left = try lag()
        #expect(fell, "the gauge falls once the consumer acknowledges: \(left)")
        await stream.close()
        await conn.close()
    }
}
