import Foundation
import PGKit

extension PGConfig {
    /// Resolves the database the way every PGKit tool does: `explicit`, then `DATABASE_URL`
    /// in the environment, then `DATABASE_URL` in the project's `.env`, then the project's
    /// embedded local cluster, created or started on demand (and `announce` is told so, with a
    /// line saying where the cluster's files are: see ``LocalCluster/start(binaries:announce:)``).
    /// The project is the one containing `directory` (`PGKitProject.find`), so a subdirectory
    /// uses the same `.env` and cluster.
    public static func resolveOrStartLocal(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = FileManager.default.currentDirectoryPath,
        announce: (String) -> Void = { _ in }
    ) async throws -> (config: PGConfig, source: PGConfigSource) {
        let directory = try PGKitProject.find(from: directory).root.path
        if let resolved = try PGConfig.resolve(explicit: explicit, environment: environment, directory: directory) {
            return resolved
        }
        let cluster = LocalCluster(projectDirectory: directory)
        if let config = cluster.configuration() { return (config, .localCluster) }
        return (try await cluster.start(announce: announce), .localCluster)
    }
}
