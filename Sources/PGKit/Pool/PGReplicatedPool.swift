import Foundation
import Logging
import Metrics
import Synchronization

/// A primary and its read replicas: writes and transactions go to the primary; reads you mark
/// as such go to a healthy replica, round-robin, or to the primary when none is healthy.
///
/// ```swift
/// let cluster = PGReplicatedPool(primary: primaryConfig, replicas: [replicaConfig], maxReplicaLag: .seconds(5))
/// try await cluster.primary.execute("INSERT ...")
/// let rows = try await cluster.read { try await $0.query("SELECT ...") }
/// ```
/// A monitor checks each replica every `checkInterval`: one that fails, is not in recovery, or
/// whose replay is more than `maxReplicaLag` behind (from `pg_last_xact_replay_timestamp()`, and
/// zero when it has replayed all it received) is skipped until it recovers.
public final class PGReplicatedPool: Sendable {
    /// The primary: writes, transactions, and reads that must see their own writes.
    public let primary: PGPool
    public let replicas: [PGPool]
    public let maxReplicaLag: Duration?

    private struct State {
        var healthy: [Bool]
        var next = 0
        var monitor: Task<Void, Never>?
    }

    private let state: Mutex<State>
    private let logger: Logger
    /// Per replica: `pgkit_replica_healthy` (1 or 0) and `pgkit_replica_lag_seconds`, by
    /// `replica` index; nil when no metrics backend records.
    private let replicaGauges: [(healthy: Gauge, lag: Gauge)]?

    public init(primary: PGConfig, replicas: [PGConfig], configuration: PGPoolConfiguration = PGPoolConfiguration(),
                maxReplicaLag: Duration? = .seconds(10), checkInterval: Duration = .seconds(1),
                logger: Logger = Logger(label: "pgkit.replicas")) {
        self.primary = PGPool(config: primary, configuration: configuration, logger: logger)
        var replicaConfiguration = configuration
        replicaConfiguration.acquireTimeout = min(configuration.acquireTimeout, .seconds(5))
        self.replicas = replicas.map { PGPool(config: $0, configuration: replicaConfiguration, logger: logger) }
        self.maxReplicaLag = maxReplicaLag
        self.logger = logger
        let observability = primary.observability
        replicaGauges = observability.resolvedMetricsFactory.map { factory in
            replicas.indices.map { index in
                let dimensions = observability.dimensions + [("replica", String(index))]
                return (Gauge(label: "pgkit_replica_healthy", dimensions: dimensions, factory: factory),
                        Gauge(label: "pgkit_replica_lag_seconds", dimensions: dimensions, factory: factory))
            }
        }
        state = Mutex(State(healthy: Array(repeating: true, count: replicas.count)))
        let monitor = Task { [weak self] in
            while !Task.isCancelled {
                await self?.checkReplicas()
                try? await Task.sleep(for: checkInterval)
            }
        }
        state.withLock { $0.monitor = monitor }
    }

    /// Which replicas are in use now.
    public var healthyReplicas: [Int] {
        state.withLock { state in state.healthy.indices.filter { state.healthy[$0] } }
    }

    /// The pool reads should use now: the next healthy replica, or the primary.
    public func readPool() -> PGPool {
        state.withLock { state in
            for offset in 0..<state.healthy.count {
                let index = (state.next + offset) % state.healthy.count
                if state.healthy[index] {
                    state.next = index + 1
                    return replicas[index]
                }
            }
            return primary
        }
    }

    /// Runs a read on a replica; if that replica fails with a connection error, marks it
    /// unhealthy and runs the read once more on the next choice (ultimately the primary).
    public func read<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        let pool = readPool()
        do {
            return try await pool.withConnection(body)
        } catch let error as PGError where pool !== primary && (error.isConnectionError || error.kind == .poolTimeout) {
            markUnhealthy(pool)
            return try await readPool().withConnection(body)
        }
    }

    private func markUnhealthy(_ pool: PGPool) {
        guard let index = replicas.firstIndex(where: { $0 === pool }) else { return }
        state.withLock { $0.healthy[index] = false }
        logger.warning("replica \(index) is unhealthy; reads go elsewhere until it recovers")
    }

    /// Checks every replica once: reachable, in recovery, and within the maximum lag.
    func checkReplicas() async {
        for (index, replica) in replicas.enumerated() {
            let healthy: Bool
            var lag: Double?
            do {
                let row = try await replica.query("""
                    SELECT pg_is_in_recovery(),
                           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                                ELSE COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8
                    """).first
                let (inRecovery, lagSeconds) = try row?.decode((Bool, Double).self) ?? (false, 0)
                lag = lagSeconds
                let lagOK = maxReplicaLag.map { lagSeconds <= Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? true
                healthy = inRecovery && lagOK
            } catch {
                healthy = false
            }
            state.withLock { $0.healthy[index] = healthy }
            if let gauges = replicaGauges?[index] {
                gauges.healthy.record(healthy ? 1 : 0)
                if let lag { gauges.lag.record(lag) }
            }
        }
    }

    /// Shuts down every pool.
    public func shutdown() async {
        state.withLock { $0.monitor?.cancel() }
        await primary.shutdown()
        for replica in replicas { await replica.shutdown() }
    }

    /// Shuts down every pool at once, each with `gracePeriod` (see `PGPool.shutdown(gracePeriod:)`).
    public func shutdown(gracePeriod: Duration) async {
        state.withLock { $0.monitor?.cancel() }
        await withTaskGroup(of: Void.self) { group in
            for pool in [primary] + replicas { group.addTask { await pool.shutdown(gracePeriod: gracePeriod) } }
        }
    }
}
