import ArgumentParser
import Foundation
import LocalPostgres

/// `dbctl db`: the local development cluster under ./.dbctl.
struct LocalDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the local PostgreSQL cluster dbctl runs under ./.dbctl for development.",
        subcommands: [Start.self, Stop.self, State.self, URL.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (on first use) and start the local cluster.")
        func run() async throws {
            let config = try await LocalCluster(projectDirectory: try PGKitProject.find().root.path).start()
            Terminal.standardError.success("local cluster running on 127.0.0.1:\(config.port ?? 0)")
            print(config.url)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the local cluster.")
        func run() async throws {
            try await LocalCluster(projectDirectory: try PGKitProject.find().root.path).stop()
            Terminal.standardError.success("local cluster stopped")
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the local cluster exists and runs.")
        func run() async throws {
            switch LocalCluster(projectDirectory: try PGKitProject.find().root.path).status {
            case .notCreated: print("not created (dbctl db start creates it)"); throw ExitCode(1)
            case .stopped: print("stopped"); throw ExitCode(1)
            case .running(let port): print("running on 127.0.0.1:\(port)")
            }
        }
    }

    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the local cluster's DATABASE_URL.")
        func run() async throws {
            guard let config = LocalCluster(projectDirectory: try PGKitProject.find().root.path).configuration() else { throw DBCtlFailure(message: "\(LocalClusterError.notRunning)") }
            print(config.url)
        }
    }
}
