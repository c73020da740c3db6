import Metrics
import Synchronization
import Tracing

/// A connection's spans and metrics: made once per connection from `PGObservability`, and not
/// made at all (the connection holds nil) when neither a tracer nor a metrics backend records.
final class StatementInstruments: Sendable {
    private let tracer: (any Tracer)?
    private let factory: (any MetricsFactory)?
    private let tracesParameterValues: Bool
    private let dimensions: [(String, String)]
    private let baseAttributes: SpanAttributes
    /// One timer per operation and one counter per error class, made on first use.
    private let timers = Mutex<[String: Metrics.Timer]>([:])
    private let errorCounters = Mutex<[String: Counter]>([:])

    private init(tracer: (any Tracer)?, factory: (any MetricsFactory)?, observability: PGObservability, config: PGConfig) {
        self.tracer = tracer
        self.factory = factory
        tracesParameterValues = observability.tracesParameterValues
        dimensions = observability.dimensions
        var attributes = SpanAttributes()
        attributes["db.system.name"] = "postgresql"
        if let database = config.database {
            attributes["db.namespace"] = config.schema.map { "\(database)|\($0)" } ?? database
        }
        if let host = config.host { attributes["server.address"] = host.split(separator: ",").first.map(String.init) ?? host }
        if let port = config.port { attributes["server.port"] = Int64(port) }
        baseAttributes = attributes
    }

    /// The instruments for connections opened with `config`, or nil when nothing would record.
    static func make(for config: PGConfig) -> StatementInstruments? {
        let observability = config.observability
        let tracer = observability.resolvedTracer
        let factory = observability.resolvedMetricsFactory
        guard tracer != nil || factory != nil else { return nil }
        return StatementInstruments(tracer: tracer, factory: factory, observability: observability, config: config)
    }

    /// Runs `body` inside a client span named after `operation` (a child of the caller's
    /// context, and the current context while `body` runs), timing it by operation and counting
    /// its error by class. `sql` has `$n` placeholders and is always recorded; `literalSQL`
    /// (scripts, which carry their values inline) only when parameter values are traced.
    func measure<T>(_ operation: StatementOperation, sql: String? = nil, literalSQL: String? = nil, parameters: [any PGEncodable] = [],
                    attributes extra: (inout SpanAttributes) -> Void = { _ in },
                    isolation: isolated (any Actor)? = #isolation,
                    _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        guard let tracer else {
            do {
                let value = try await body()
                record(operation, since: start, error: nil)
                return value
            } catch {
                record(operation, since: start, error: error)
                throw error
            }
        }
        let span = tracer.startSpan(operation.name, ofKind: .client)
        var attributes = baseAttributes
        attributes["db.operation.name"] = operation.name
        if let sql { attributes["db.query.text"] = sql }
        if let literalSQL, tracesParameterValues { attributes["db.query.text"] = literalSQL }
        if tracesParameterValues {
            for (index, value) in parameters.enumerated() { attributes["db.query.parameter.\(index)"] = "\(value)" }
        }
        extra(&attributes)
        span.attributes = attributes
        defer { span.end() }
        do {
            let value = try await InstrumentationContext.withValue(span.context) { try await body() }
            record(operation, since: start, error: nil)
            return value
        } catch {
            let traced = TracedError(error, includeMessage: tracesParameterValues)
            span.attributes["error.type"] = traced.type
            if let sqlState = traced.sqlState { span.attributes["db.response.status_code"] = sqlState }
            span.recordError(traced)
            span.setStatus(SpanStatus(code: .error, message: traced.description))
            record(operation, since: start, error: error)
            throw error
        }
    }

    private func record(_ operation: StatementOperation, since start: ContinuousClock.Instant, error: (any Error)?) {
        guard let factory else { return }
        let elapsed = ContinuousClock.now - start
        let timer = timers.withLock { timers in
            if let timer = timers[operation.name] { return timer }
            let timer = Metrics.Timer(label: "pgkit_statement_duration", dimensions: dimensions + [("operation", operation.name)], factory: factory)
            timers[operation.name] = timer
            return timer
        }
        timer.record(duration: elapsed)
        if let error { countError(TracedError(error, includeMessage: false).errorClass) }
    }

    /// Counts one error of `errorClass` (a SQLSTATE class such as `23`, or PGKit's error kind).
    func countError(_ errorClass: String) {
        guard let factory else { return }
        let counter = errorCounters.withLock { counters in
            if let counter = counters[errorClass] { return counter }
            let counter = Counter(label: "pgkit_errors", dimensions: dimensions + [("class", errorClass)], factory: factory)
            counters[errorClass] = counter
            return counter
        }
        counter.increment()
    }

    /// Counts a connection event: `opened`, `closed` or `broken`.
    func countConnection(_ event: String) {
        guard let factory else { return }
        Counter(label: "pgkit_connections_\(event)", dimensions: dimensions, factory: factory).increment()
    }
}

/// An error as spans show it: the SQLSTATE or PGKit's error kind, and the message only when
/// asked (server messages can quote the values that failed).
struct TracedError: Error, CustomStringConvertible {
    let type: String
    let sqlState: String?
    let errorClass: String
    let description: String

    init(_ error: any Error, includeMessage: Bool) {
        if let error = error as? PGError {
            sqlState = error.sqlState?.rawValue
            type = error.sqlState?.rawValue ?? "\(error.kind)"
            errorClass = error.sqlState?.errorClass ?? "\(error.kind)"
            description = includeMessage ? error.description : (sqlState.map { "SQLSTATE \($0)" } ?? "\(error.kind)")
        } else {
            sqlState = nil
            type = String(describing: Swift.type(of: error))
            errorClass = "other"
            description = includeMessage ? "\(error)" : type
        }
    }
}
