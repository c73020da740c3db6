/// Sizes and time limits of a `PGPool`.
public struct PGPoolConfiguration: Sendable {
    /// Connections kept open even when idle.
    public var minConnections: Int
    /// The most connections the pool opens at once.
    public var maxConnections: Int
    /// How long `acquire` waits for a connection before failing with `.poolTimeout`.
    public var acquireTimeout: Duration
    /// Idle connections beyond `minConnections` are closed after this long unused.
    public var idleTimeout: Duration?
    /// Connections are replaced after this long, whatever their use (server-side memory, DNS).
    public var maxLifetime: Duration?
    /// A connection idle longer than this is pinged before it is handed out.
    public var healthCheckAfterIdle: Duration
    /// How long a graceful shutdown (`shutdown(gracePeriod:)`, or the pool run as a
    /// `ServiceLifecycle` service) lets work in progress finish before cancelling it.
    public var shutdownGracePeriod: Duration
    /// Whether independent statements of different tasks (`query` and `execute` on the pool)
    /// share connections in libpq's pipeline mode, each its own implicit transaction, instead of
    /// each holding a connection for its round trip. Off by default: a statement shares its
    /// connection's order, so a slow one (a lock wait, a long scan) delays the quick ones
    /// queued behind it on that connection. Transactions, `withConnection`, streams, COPY and
    /// statements that change session state keep a connection to themselves either way.
    public var pipelinesStatements: Bool = false

    public init(
        minConnections: Int = 0,
        maxConnections: Int = 10,
        acquireTimeout: Duration = .seconds(30),
        idleTimeout: Duration? = .seconds(600),
        maxLifetime: Duration? = .seconds(1800),
        healthCheckAfterIdle: Duration = .seconds(30),
        shutdownGracePeriod: Duration = .seconds(30),
        pipelinesStatements: Bool = false
    ) {
        self.minConnections = max(0, minConnections)
        self.maxConnections = max(1, maxConnections, minConnections)
        self.acquireTimeout = acquireTimeout
        self.idleTimeout = idleTimeout
        self.maxLifetime = maxLifetime
        self.healthCheckAfterIdle = healthCheckAfterIdle
        self.shutdownGracePeriod = shutdownGracePeriod
        self.pipelinesStatements = pipelinesStatements
    }
}

/// A snapshot of a pool's connections and waiters.
public struct PGPoolStatistics: Sendable, Equatable, CustomStringConvertible {
    public var open: Int
    public var idle: Int
    public var inUse: Int
    public var waiting: Int
    public var connecting: Int

    public var description: String {
        "\(open) open (\(inUse) in use, \(idle) idle), \(connecting) connecting, \(waiting) waiting"
    }
}
