import ArgumentParser
import Foundation
import LocalPostgres

/// `dbctl db`: the project's local development cluster, under its `.dbctl` (or outside the
/// project, recorded there, when the server's user cannot enter it).
struct LocalDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the local PostgreSQL cluster dbctl runs for development.",
        discussion: """
            Its files are in the project's .dbctl/postgres. Run as root, the server runs as the postgres user; \
            when that user cannot enter the project (a project in /root, say), the files go to \
            /var/lib/pgkit/clusters/<folder>-<hash> instead, recorded in .dbctl/cluster-directory, \
            and no permission of the project is changed.
            """,
        subcommands: [Start.self, Stop.self, State.self, URL.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (on first use) and start the local cluster.")
        func run() async throws {
            let terminal = Terminal.standardError
            let cluster = try LocalDatabase.projectCluster()
            let config = try await cluster.start(announce: { terminal.note($0) })
            terminal.success("local cluster running on 127.0.0.1:\(config.port ?? 0) (files in \(LocalDatabase.place(of: cluster)))")
            print(config.url)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the local cluster.")
        func run() async throws {
            let cluster = try LocalDatabase.projectCluster()
            guard case .running = cluster.status else {
                Terminal.standardError.success("the local cluster is not running")
                return
            }
            try await cluster.stop()
            Terminal.standardError.success("local cluster stopped (files in \(LocalDatabase.place(of: cluster)))")
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the local cluster exists and runs, and where its files are.")
        func run() async throws {
            let cluster = try LocalDatabase.projectCluster()
            switch cluster.status {
            case .notCreated:
                print("not created (dbctl db start creates it)")
                if let note = cluster.unusableRecordNote { Terminal.standardError.note(note) }
                throw ExitCode(1)
            case .stopped:
                print("stopped (files in \(LocalDatabase.place(of: cluster)))")
                throw ExitCode(1)
            case .running(let port):
                print("running on 127.0.0.1:\(port) (files in \(LocalDatabase.place(of: cluster)))")
            }
        }
    }

    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the local cluster's DATABASE_URL.")
        func run() async throws {
            guard let config = try LocalDatabase.projectCluster().configuration() else { throw DBCtlFailure(message: "\(LocalClusterError.notRunning)") }
            print(config.url)
        }
    }

    /// The cluster of the project containing the working directory (`PGKitProject.find`).
    static func projectCluster() throws -> LocalCluster {
        LocalCluster(projectDirectory: try PGKitProject.find().root.path)
    }

    /// Where the cluster's files are, as the user reads it.
    static func place(of cluster: LocalCluster) -> String {
        cluster.location.map(cluster.display) ?? ".dbctl/postgres"
    }
}
