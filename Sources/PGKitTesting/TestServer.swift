import Foundation
import LocalPostgres
import PGKit
import Synchronization

/// The server tests run against: `PGKIT_TEST_DATABASE_URL`, then `DATABASE_URL`, and without
/// either a throwaway local cluster in a temporary directory, started on first use and stopped
/// when the test process exits.
final class TestServer: Sendable {
    static let shared = TestServer()
    private let started = Mutex<Task<PGConfig, any Error>?>(nil)

    func configuration() async throws -> PGConfig {
        let task = started.withLock { started -> Task<PGConfig, any Error> in
            if let started { return started }
            let task = Task { try await Self.resolve() }
            started = task
            return task
        }
        return try await task.value
    }

    private static func resolve() async throws -> PGConfig {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["PGKIT_TEST_DATABASE_URL"] ?? environment["DATABASE_URL"], !url.isEmpty {
            return try PGConfig(url).withDatabase("postgres")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-testing-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = LocalCluster(projectDirectory: directory.path, databaseName: "postgres")
        let config = try await cluster.start()
        ThrowawayCluster.stopAtExit(cluster, removing: directory)
        return config
    }
}

/// Stops the throwaway cluster when the test process ends.
enum ThrowawayCluster {
    private static let cluster = Mutex<(LocalCluster, URL)?>(nil)

    static func stopAtExit(_ cluster: LocalCluster, removing directory: URL) {
        Self.cluster.withLock { $0 = (cluster, directory) }
        atexit {
            guard let (cluster, directory) = ThrowawayCluster.cluster.withLock({ $0 }) else { return }
            cluster.stopImmediately()
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
