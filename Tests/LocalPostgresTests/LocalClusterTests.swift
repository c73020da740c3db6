import Foundation
import LocalPostgres
import PGKit
import Testing

/// The embedded cluster really is created, started (with pgvector available), reused and stopped.
@Suite(.serialized) struct LocalClusterTests {
    @Test func createsStartsReusesAndStopsAClusterInTheProject() async throws {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-local-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let cluster = LocalCluster(projectDirectory: project.path, databaseName: "devdb")
        do {
            try await exercise(cluster, project: project)
        } catch {
            Issue.record(error)
        }
        try? await cluster.stop(mode: .immediate)
        try? FileManager.default.removeItem(at: project)
    }

    func exercise(_ cluster: LocalCluster, project: URL) async throws {
        #expect(cluster.status == .notCreated)
        #expect(cluster.configuration() == nil)

        var announcements: [String] = []
        let (config, source) = try await PGConfig.resolveOrStartLocal(
            environment: [:], directory: project.path, announce: { announcements.append($0) })
        #expect(source == .localCluster)
        #expect(announcements.count == 1)
        #expect(announcements.first?.contains("Created the local PostgreSQL cluster in .dbctl/postgres") == true, "\(announcements)")
        #expect(config.database == "app")  // resolution uses the default database name

        let started = try await cluster.start()
        guard case .running(let port) = cluster.status else {
            Issue.record("the cluster should be running")
            return
        }
        #expect(started.port == port)
        #expect(started.host == "127.0.0.1")
        // The server's user can enter a project under the temporary directory: the files stay in it.
        #expect(cluster.location?.placement == .inProject)
        #expect(cluster.directory.path.hasPrefix(cluster.projectDirectory.path + "/.dbctl/"))
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent(".dbctl/cluster-directory").path))
        let connection = try await PGConnection.connect(started)
        try await connection.executeScript("CREATE EXTENSION IF NOT EXISTS vector")
        #expect(try await connection.query("SELECT current_database()").scalar(String.self) == "devdb")
        #expect(try await connection.query("SELECT '[1,2]'::vector <-> '[1,3]'::vector").scalar(Double.self) == 1)
        await connection.close()

        // Starting again is a no-op that returns the same server.
        #expect(try await cluster.start().port == port)
        try await cluster.stop()
        #expect(cluster.status == .stopped)
        try await cluster.stop()

        // A restart keeps the data.
        let restarted = try await cluster.start()
        let again = try await PGConnection.connect(restarted)
        #expect(try await again.query("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").scalar(Int.self) == 1)
        await again.close()
    }
}
