import Foundation
import Metrics
import MetricsTestKit
import PGKit
import PGKitTestSupport
import Testing

/// Metrics as a metrics backend sees them, from a pool on a real server.
@Suite struct MetricsTests {
    static let database = SuiteDatabase("metrics")

    func metered(_ metrics: TestMetrics, name: String) async throws -> PGConfig {
        var config = try await Self.database.configuration()
        config.observability = PGObservability(metricsFactory: metrics, dimensions: [("pool", "main")])
        config["application_name"] = name
        return config
    }

    @Test func poolGaugesFollowTheConnectionsAndStatementsAreTimedByOperation() async throws {
        let metrics = TestMetrics()
        let pool = PGPool(config: try await metered(metrics, name: "pgkit-metrics-gauges"), configuration: .init(maxConnections: 2))
        for _ in 0..<5 { try await pool.query("SELECT 1") }
        try await pool.execute("SELECT 2")
        let open = try metrics.expectGauge("pgkit_pool_connections", [("pool", "main"), ("state", "open")])
        #expect(open.lastValue == 1)
        try await pool.withConnection { conn in
            let inUse = try metrics.expectGauge("pgkit_pool_connections", [("pool", "main"), ("state", "in_use")])
            #expect(inUse.lastValue == 1)
            _ = try await conn.query("SELECT 3")
        }
        #expect(try metrics.expectGauge("pgkit_pool_connections", [("pool", "main"), ("state", "in_use")]).lastValue == 0)
        #expect(try metrics.expectGauge("pgkit_pool_connections", [("pool", "main"), ("state", "idle")]).lastValue == 1)
        #expect(try metrics.expectGauge("pgkit_pool_waiting", [("pool", "main")]).lastValue == 0)
        let selects = try metrics.expectTimer("pgkit_statement_duration", [("pool", "main"), ("operation", "SELECT")])
        #expect(selects.values.count == 7)
        #expect(selects.values.allSatisfy { $0 > 0 })
        #expect(try metrics.expectTimer("pgkit_pool_acquire_duration", [("pool", "main")]).values.count == 7)
        #expect(try metrics.expectCounter("pgkit_connections_opened", [("pool", "main")]).totalValue == 1)
        await pool.shutdown()
        #expect(try metrics.expectCounter("pgkit_connections_closed", [("pool", "main")]).totalValue == 1)
    }

    @Test func waitersShowInTheWaitingGauge() async throws {
        let metrics = TestMetrics()
        let pool = PGPool(config: try await metered(metrics, name: "pgkit-metrics-waiting"), configuration: .init(maxConnections: 1))
        try await pool.withConnection { _ in
            let waiter = Task { try await pool.query("SELECT 1") }
            var waiting: Double?
            for _ in 0..<500 where waiting != 1 {
                try await Task.sleep(for: .milliseconds(10))
                waiting = try? metrics.expectGauge("pgkit_pool_waiting", [("pool", "main")]).lastValue
            }
            #expect(waiting == 1)
            waiter.cancel()
            _ = try? await waiter.value
        }
        await pool.shutdown()
    }

    @Test func errorsAreCountedBySQLStateClassAndBrokenConnectionsCounted() async throws {
        let metrics = TestMetrics()
        let config = try await metered(metrics, name: "pgkit-metrics-errors")
        let conn = try await PGConnection.connect(config)
        await #expect(throws: PGError.self) { try await conn.query("SELECT 1/0") }
        await #expect(throws: PGError.self) { try await conn.query("SELECT * FROM no_such_table") }
        #expect(try metrics.expectCounter("pgkit_errors", [("pool", "main"), ("class", "22")]).totalValue == 1)
        #expect(try metrics.expectCounter("pgkit_errors", [("pool", "main"), ("class", "42")]).totalValue == 1)
        // Another session terminates this one's backend: the next statement finds it broken.
        _ = try await PGConnection.withConnection(try await Self.database.configuration()) { admin in
            try await admin.query("SELECT pg_terminate_backend(\(conn.backendPID))")
        }
        await #expect(throws: PGError.self) { try await conn.query("SELECT 1") }
        #expect(try metrics.expectCounter("pgkit_connections_broken", [("pool", "main")]).totalValue == 1)
        await conn.close()
    }

    @Test func replicaHealthAndLagAreGaugesPerReplica() async throws {
        let metrics = TestMetrics()
        let config = try await metered(metrics, name: "pgkit-metrics-replicas")
        // The primary itself as the "replica": it answers, but is not in recovery, so unhealthy.
        let cluster = PGReplicatedPool(primary: config, replicas: [config], checkInterval: .milliseconds(50))
        var healthy: Double?
        for _ in 0..<500 where healthy == nil {
            try await Task.sleep(for: .milliseconds(20))
            healthy = try? metrics.expectGauge("pgkit_replica_healthy", [("pool", "main"), ("replica", "0")]).lastValue
        }
        #expect(healthy == 0)
        #expect(try metrics.expectGauge("pgkit_replica_lag_seconds", [("pool", "main"), ("replica", "0")]).lastValue == 0)
        await cluster.shutdown()
    }
}
