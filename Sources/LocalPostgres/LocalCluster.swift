import Foundation
import PGKit

/// The development database that PGKit runs for you when no `DATABASE_URL` is configured:
/// a PostgreSQL cluster under `.dbctl/postgres` in the project (git-ignored), created with
/// `initdb` on first use and started with `pg_ctl` on a free loopback port.
///
/// ```swift
/// let cluster = LocalCluster(projectDirectory: ".")
/// let config = try await cluster.start()      // initdb on first use; idempotent
/// try cluster.stop()
/// ```
/// PostgreSQL refuses to run as root, so when dbctl runs as root the server runs as the
/// `postgres` OS user (which Debian's server package creates). Only 127.0.0.1 is listened on,
/// with trust authentication for the `postgres` role: a development database, not a server.
public struct LocalCluster: Sendable {
    /// Where the cluster's files live (`<project>/.dbctl/postgres`).
    public let directory: URL
    /// The database PGKit uses by default on this cluster.
    public let databaseName: String

    public init(projectDirectory: String = FileManager.default.currentDirectoryPath, databaseName: String = "app") {
        directory = URL(fileURLWithPath: projectDirectory).appendingPathComponent(".dbctl").appendingPathComponent("postgres")
        self.databaseName = databaseName
    }

    private var dataDirectory: URL { directory.appendingPathComponent("data") }
    private var logFile: URL { directory.appendingPathComponent("server.log") }
    private var portFile: URL { directory.appendingPathComponent("port") }

    /// The state of the cluster.
    public enum Status: Equatable, Sendable {
        case notCreated
        case stopped
        case running(port: Int)
    }

    public var status: Status {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else { return .notCreated }
        guard let port = runningPort() else { return .stopped }
        return .running(port: port)
    }

    /// The configuration to reach the cluster's database, when it is running.
    public func configuration() -> PGConfig? {
        guard case .running(let port) = status else { return nil }
        return PGConfig(host: "127.0.0.1", port: port, user: "postgres", database: databaseName)
    }

    /// Creates the cluster if needed, starts it if it is not running, makes sure the default
    /// database exists, and returns its configuration.
    @discardableResult
    public func start(binaries: PostgresBinaries? = nil) async throws -> PGConfig {
        if case .running(let port) = status {
            let server = PGConfig(host: "127.0.0.1", port: port, user: "postgres", database: "postgres")
            try await createDatabaseIfMissing(databaseName, on: server)
            return server.withDatabase(databaseName)
        }
        let binaries = try binaries ?? PostgresBinaries.locate()
        let runner = try ProcessRunner.forPostgres()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try runner.giveOwnership(of: directory.deletingLastPathComponent())
        try runner.giveOwnership(of: directory)
        if status == .notCreated {
            try await runner.run(binaries.path("initdb"), [
                "-D", dataDirectory.path, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            ])
        }
        let port = try preferredPort()
        let options = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        try await runner.run(binaries.path("pg_ctl"), ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-o", options, "start"])
        try String(port).write(to: portFile, atomically: true, encoding: .utf8)
        let server = PGConfig(host: "127.0.0.1", port: port, user: "postgres", database: "postgres")
        try await createDatabaseIfMissing(databaseName, on: server)
        return server.withDatabase(databaseName)
    }

    /// How `stop` shuts the server down (pg_ctl's modes).
    public enum StopMode: String, Sendable {
        /// Disconnects clients, rolls back their transactions, checkpoints.
        case fast
        /// Kills the server without a clean shutdown, as a crash would (recovery runs at the
        /// next start); for fault tests.
        case immediate
    }

    /// Stops the cluster. Idempotent.
    public func stop(mode: StopMode = .fast, binaries: PostgresBinaries? = nil) async throws {
        guard case .running = status else { return }
        let binaries = try binaries ?? PostgresBinaries.locate()
        try await ProcessRunner.forPostgres().run(binaries.path("pg_ctl"), ["-D", dataDirectory.path, "-m", mode.rawValue, "-w", "stop"])
    }

    /// Stops the server at once (`pg_ctl -m immediate`), blocking the calling thread: for exit
    /// handlers, which cannot wait for a task. Does nothing when it is not running.
    public func stopImmediately() {
        guard case .running = status, let binaries = try? PostgresBinaries.locate(), let runner = try? ProcessRunner.forPostgres() else { return }
        _ = try? runner.runSynchronously(binaries.path("pg_ctl"), ["-D", dataDirectory.path, "-m", "immediate", "-w", "stop"])
    }

    /// The port in `postmaster.pid` while the server runs (its fourth line).
    private func runningPort() -> Int? {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let contents = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 3, let pid = Int32(lines[0]), let port = Int(lines[3]) else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return port
    }

    /// The port used last time if it is still free, so URLs stay stable; otherwise a new one.
    private func preferredPort() throws -> Int {
        if let text = try? String(contentsOf: portFile, encoding: .utf8),
           let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), FreePort.isFree(port) {
            return port
        }
        return try FreePort.find()
    }

    private func createDatabaseIfMissing(_ name: String, on server: PGConfig) async throws {
        _ = try await PGConnection.withConnection(server) { try await $0.createDatabaseIfMissing(name) }
    }
}
