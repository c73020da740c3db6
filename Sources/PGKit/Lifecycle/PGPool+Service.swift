import ServiceLifecycle

/// A pool runs as a `ServiceLifecycle` service: put it in a `ServiceGroup` before the services
/// that use it (a group shuts services down in reverse order, so the HTTP server stops taking
/// requests first), and on SIGTERM it lets work in progress finish, then closes its
/// connections; whatever still runs after `configuration.shutdownGracePeriod` is cancelled.
///
/// ```swift
/// let pool = PGPool(config: config)
/// let group = ServiceGroup(configuration: .init(services: [pool], gracefulShutdownSignals: [.sigterm], logger: logger))
/// try await group.run()
/// ```
extension PGPool: Service {
    /// Waits for the group's graceful shutdown (or cancellation), then shuts the pool down.
    public func run() async throws {
        do {
            try await gracefulShutdown()
            await shutdown(gracePeriod: configuration.shutdownGracePeriod)
        } catch {
            // Cancelled: the group is going down at once.
            await shutdown(gracePeriod: .zero)
        }
    }
}

/// A primary with replicas runs as one service: its pools shut down together (see `PGPool`).
extension PGReplicatedPool: Service {
    /// Waits for the group's graceful shutdown (or cancellation), then shuts every pool down.
    public func run() async throws {
        let grace: Duration
        do {
            try await gracefulShutdown()
            grace = primary.configuration.shutdownGracePeriod
        } catch {
            grace = .zero
        }
        await shutdown(gracePeriod: grace)
    }
}
