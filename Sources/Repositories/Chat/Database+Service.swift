import PGKit
import ServiceLifecycle

/// The chat database runs as a `ServiceLifecycle` service, like its pool (see `PGPool`): on the
/// group's graceful shutdown it lets work in progress finish, within the pool's
/// `shutdownGracePeriod`, and closes every connection.
/// ```swift
/// let db = try await Database.connect()
/// let group = ServiceGroup(configuration: .init(services: [db, server], gracefulShutdownSignals: [.sigterm], logger: logger))
/// ```
extension Database: Service {
    /// Waits for the group's graceful shutdown (or cancellation), then shuts the pools down.
    public func run() async throws {
        if let replicatedPool { try await replicatedPool.run() } else { try await pool.run() }
    }
}
