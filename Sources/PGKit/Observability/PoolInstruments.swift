import Metrics
import Tracing

/// A pool's spans and metrics: a span and a timer per acquire, and gauges of its connections
/// (`pgkit_pool_connections` by `state`: open, idle, in_use, connecting) and waiters
/// (`pgkit_pool_waiting`). nil in the pool when nothing records them.
final class PoolInstruments: Sendable {
    private let tracer: (any Tracer)?
    private let acquireTimer: Metrics.Timer?
    private let open, idle, inUse, connecting, waiting: Gauge?
    private let baseAttributes: SpanAttributes

    private init(tracer: (any Tracer)?, factory: (any MetricsFactory)?, observability: PGObservability, config: PGConfig) {
        self.tracer = tracer
        let dimensions = observability.dimensions
        func gauge(_ state: String) -> Gauge? {
            factory.map { Gauge(label: "pgkit_pool_connections", dimensions: dimensions + [("state", state)], factory: $0) }
        }
        open = gauge("open")
        idle = gauge("idle")
        inUse = gauge("in_use")
        connecting = gauge("connecting")
        waiting = factory.map { Gauge(label: "pgkit_pool_waiting", dimensions: dimensions, factory: $0) }
        acquireTimer = factory.map { Metrics.Timer(label: "pgkit_pool_acquire_duration", dimensions: dimensions, factory: $0) }
        var attributes = SpanAttributes()
        attributes["db.system.name"] = "postgresql"
        if let database = config.database { attributes["db.namespace"] = database }
        if let host = config.host { attributes["server.address"] = host.split(separator: ",").first.map(String.init) ?? host }
        if let port = config.port { attributes["server.port"] = Int64(port) }
        baseAttributes = attributes
    }

    /// The instruments for a pool of `config`'s connections, or nil when nothing would record.
    static func make(for config: PGConfig) -> PoolInstruments? {
        let observability = config.observability
        let tracer = observability.resolvedTracer
        let factory = observability.resolvedMetricsFactory
        guard tracer != nil || factory != nil else { return nil }
        return PoolInstruments(tracer: tracer, factory: factory, observability: observability, config: config)
    }

    /// Runs an acquire inside a `pgkit.pool.acquire` span and times the wait.
    func measureAcquire<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
        try await measureAcquire(isolation: isolation, endingAt: { _ in nil }, body)
    }

    /// `measureAcquire` for an acquire whose wait may have ended before `body` returned: at
    /// the instant `endingAt` reads off its value (a statement sent for the waiting task, whose
    /// reply came with the connection), else when it returns.
    func measureAcquire<T>(isolation: isolated (any Actor)? = #isolation, endingAt: (T) -> ContinuousClock.Instant?,
                           _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        let span = tracer.map { tracer in
            let span = tracer.startSpan("pgkit.pool.acquire", ofKind: .internal)
            span.attributes = baseAttributes
            return span
        }
        do {
            let value = try await body()
            let now = ContinuousClock.now
            let end = endingAt(value).map { min($0, now) } ?? now
            acquireTimer?.record(duration: end - start)
            if let span {
                let early = now - end
                let nanoseconds = UInt64(early.components.seconds) * 1_000_000_000 + UInt64(early.components.attoseconds / 1_000_000_000)
                span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: DefaultTracerClock.now.nanosecondsSinceEpoch - nanoseconds))
            }
            return value
        } catch {
            acquireTimer?.record(duration: ContinuousClock.now - start)
            if let span {
                let traced = TracedError(error, includeMessage: false)
                span.attributes["error.type"] = traced.type
                span.recordError(traced)
                span.setStatus(SpanStatus(code: .error, message: traced.description))
                span.end()
            }
            throw error
        }
    }

    /// Records the pool's current counts.
    func record(_ statistics: PGPoolStatistics) {
        open?.record(statistics.open)
        idle?.record(statistics.idle)
        inUse?.record(statistics.inUse)
        connecting?.record(statistics.connecting)
        waiting?.record(statistics.waiting)
    }
}
