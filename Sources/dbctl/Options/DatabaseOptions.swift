import ArgumentParser
import Foundation
import LocalPostgres
import PGKit

/// The options every command that talks to the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("The database to use (postgresql://...). Default: DATABASE_URL, then DATABASE_URL in ./.env; development commands then fall back to the local cluster.", valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("migrations"), help: ArgumentHelp("The migrations directory. Default: the project's (pgkit.json's \"migrations\", or migrations/ at the project root).", valueName: "path"))
    var migrationsOption: String?

    /// The project dbctl runs in: found from the working directory upwards (see `PGKitProject`).
    func project() throws -> PGKitProject {
        do { return try PGKitProject.find() } catch let error as PGKitProjectError { throw DBCtlFailure(message: "\(error)") }
    }

    /// The migrations directory: `--migrations`, or the project's.
    var migrationsPath: String {
        get throws { try migrationsOption ?? project().migrationsDirectory.path }
    }

    /// What a command does when no database is configured.
    enum Fallback {
        /// Fail, saying how to configure one: production commands (`deploy`, `status`) and
        /// those that change or describe a real database (`down`, `generate`).
        case none(command: String)
        /// Use the local development cluster under ./.dbctl, starting (or creating) it, and
        /// say so on standard error.
        case localCluster
    }

    /// The configuration to use: `--database-url`, then `DATABASE_URL`, then `.env`, then what
    /// `fallback` says. A `.env` that cannot be read or parsed is an error, never a fallback.
    func resolve(_ terminal: Terminal, fallback: Fallback) async throws -> PGConfig {
        var config = try await resolveConfiguration(terminal, fallback: fallback)
        // Unless the URL names one: so `pg_stat_activity` (and a deploy waiting for the
        // migration lock) shows which sessions are dbctl's.
        if config["application_name"] == nil && config["fallback_application_name"] == nil {
            config["fallback_application_name"] = "dbctl"
        }
        return config
    }

    private func resolveConfiguration(_ terminal: Terminal, fallback: Fallback) async throws -> PGConfig {
        do {
            switch fallback {
            case .none(let command):
                let root = try project().root.path
                guard let resolved = try PGConfig.resolve(explicit: databaseURL, directory: root) else {
                    var message = """
                        no database configured; `dbctl \(command)` never uses the local development cluster. \
                        Name the database with --database-url postgresql://..., DATABASE_URL in the environment, \
                        or a DATABASE_URL=... line in ./.env
                        """
                    if case .running = LocalCluster(projectDirectory: root).status {
                        message += " (the local development cluster is running; `export DATABASE_URL=$(dbctl db url)` selects it)"
                    }
                    throw DBCtlFailure(message: message)
                }
                warnAboutRepeatedURL(resolved.source, terminal)
                return resolved.config
            case .localCluster:
                let (config, source) = try await PGConfig.resolveOrStartLocal(
                    explicit: databaseURL, directory: try project().root.path, announce: { terminal.note($0) })
                if source == .localCluster {
                    let cluster = LocalCluster(projectDirectory: try project().root.path)
                    let place = cluster.location.map(cluster.display) ?? ".dbctl/postgres"
                    terminal.note("No database configured (--database-url, DATABASE_URL, .env): using the local cluster in \(place), "
                        + "database \(config.database ?? "") on 127.0.0.1:\(config.port ?? 0)")
                }
                warnAboutRepeatedURL(source, terminal)
                return config
            }
        } catch let error as PGError {
            throw DBCtlFailure(message: "\(error)")
        } catch let error as LocalClusterError {
            throw DBCtlFailure(message: "\(error)")
        }
    }

    /// `.env` assigning DATABASE_URL twice is legal (the last wins) but usually a mistake.
    private func warnAboutRepeatedURL(_ source: PGConfigSource, _ terminal: Terminal) {
        guard case .dotEnvFile(let path) = source, let file = try? DotEnvFile.load(path: path) else { return }
        let lines = file.lines(of: "DATABASE_URL")
        guard lines.count > 1, let last = lines.last else { return }
        terminal.warning("\(path) sets DATABASE_URL on lines \(lines.map(String.init).joined(separator: ", ")); using line \(last), the last one")
    }
}

/// `--json` for commands whose output a program reads.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print machine-readable JSON instead of text.")
    var json = false
}
