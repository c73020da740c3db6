import ArgumentParser
import Foundation
import LocalPostgres
import PGKit

/// The options every command that talks to the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("The database to use (postgresql://...). Default: DATABASE_URL, then .env, then the local cluster.", valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("migrations"), help: ArgumentHelp("The migrations directory.", valueName: "path"))
    var migrationsPath: String = "migrations"

    /// The configuration to use, starting the local cluster when nothing else is configured.
    func resolve(_ terminal: Terminal) async throws -> PGConfig {
        do {
            let (config, source) = try await PGConfig.resolveOrStartLocal(explicit: databaseURL, announce: { terminal.note($0) })
            if source == .localCluster { terminal.note("Using the local cluster: \(config.database ?? "") on 127.0.0.1:\(config.port ?? 0)") }
            return config
        } catch let error as PGError {
            throw DBCtlFailure(message: "\(error)")
        } catch let error as LocalClusterError {
            throw DBCtlFailure(message: "\(error)")
        }
    }
}

/// `--json` for commands whose output a program reads.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false
}
