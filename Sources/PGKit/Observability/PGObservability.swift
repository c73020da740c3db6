import Metrics
import Tracing

/// Where PGKit sends its spans and metrics. By default, to whatever the process bootstrapped
/// with `InstrumentationSystem.bootstrap` and `MetricsSystem.bootstrap`, read when a connection
/// or pool is created (bootstrap first); with neither bootstrapped, nothing is recorded and a
/// statement costs two `nil` checks more.
///
/// ```swift
/// var config = try PGConfig("postgresql://localhost/chat")
/// config.observability.dimensions = [("pool", "primary")]   // added to every metric
/// let pool = PGPool(config: config)
/// ```
/// Spans follow OpenTelemetry's database conventions (`db.system.name`, `db.namespace`,
/// `db.operation.name`, `db.query.text` with `$1` placeholders, `server.address`, `server.port`,
/// `error.type` with the SQLSTATE). Parameter values and server error text (which can quote
/// values) stay out of spans unless `tracesParameterValues` is on.
public struct PGObservability: Sendable {
    /// The tracer to use; nil: the bootstrapped one (`InstrumentationSystem.tracer`).
    public var tracer: (any Tracer)?
    /// The metrics backend to use; nil: the bootstrapped one (`MetricsSystem.factory`).
    public var metricsFactory: (any MetricsFactory)?
    /// Put parameter values (`db.query.parameter.<n>`) and the server's error messages in spans.
    /// Off by default: values may be secrets or personal data.
    public var tracesParameterValues: Bool
    /// Dimensions added to every metric, such as `[("pool", "primary")]`. Keep them few and
    /// fixed: every distinct value is a new time series.
    public var dimensions: [(String, String)]

    /// Uses the given backends, or the bootstrapped ones for those left nil.
    public init(tracer: (any Tracer)? = nil, metricsFactory: (any MetricsFactory)? = nil,
                tracesParameterValues: Bool = false, dimensions: [(String, String)] = []) {
        self.tracer = tracer
        self.metricsFactory = metricsFactory
        self.tracesParameterValues = tracesParameterValues
        self.dimensions = dimensions
    }

    /// Records nothing, whatever was bootstrapped.
    public static var disabled: PGObservability {
        PGObservability(tracer: NoOpTracer(), metricsFactory: NOOPMetricsHandler.instance)
    }

    /// The tracer in effect, or nil when it records nothing.
    var resolvedTracer: (any Tracer)? {
        let tracer = self.tracer ?? InstrumentationSystem.tracer
        return tracer is NoOpTracer ? nil : tracer
    }

    /// The metrics backend in effect, or nil when it records nothing.
    var resolvedMetricsFactory: (any MetricsFactory)? {
        let factory = metricsFactory ?? MetricsSystem.factory
        return factory is NOOPMetricsHandler ? nil : factory
    }
}
