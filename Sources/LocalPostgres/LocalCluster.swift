import Foundation
import PGKit

/// The development database that PGKit runs for you when no `DATABASE_URL` is configured:
/// a PostgreSQL cluster created with `initdb` on first use and started with `pg_ctl` on a free
/// loopback port, its files under `.dbctl/postgres` in the project (git-ignored).
///
/// ```swift
/// let cluster = LocalCluster(projectDirectory: ".")
/// let config = try await cluster.start()      // initdb on first use; idempotent
/// try await cluster.stop()
/// ```
/// PostgreSQL refuses to run as root, so when dbctl runs as root the server runs as the
/// `postgres` OS user (which Debian's server package creates). When that user cannot enter the
/// project (a project in root's home, mode 700), the cluster's files go to a directory of their
/// own under ``outsideRoot`` instead, recorded in `.dbctl/cluster-directory`, and `start` says
/// so; see ``ClusterLocation``. Only 127.0.0.1 is listened on, with trust authentication for
/// the `postgres` role: a development database, not a server.
public struct LocalCluster: Sendable {
    /// The project's absolute path, symbolic links resolved: the key of its cluster.
    public let projectDirectory: URL
    /// The database PGKit uses by default on this cluster.
    public let databaseName: String
    /// Where clusters whose project the server's user cannot enter are kept.
    public let outsideRoot: URL

    /// The default ``outsideRoot``: each project gets `<folder name>-<hash of its path>` in it.
    public static let defaultOutsideRoot = URL(fileURLWithPath: "/var/lib/pgkit/clusters")

    public init(projectDirectory: String = FileManager.default.currentDirectoryPath, databaseName: String = "app",
                outsideRoot: URL = LocalCluster.defaultOutsideRoot) {
        let url = URL(fileURLWithPath: projectDirectory).standardizedFileURL
        self.projectDirectory = FileManager.default.fileExists(atPath: url.path) ? url.resolvingSymlinksInPath() : url
        self.databaseName = databaseName
        self.outsideRoot = outsideRoot
    }

    /// Where the cluster's files are, when it has been created.
    public var location: ClusterLocation? {
        guard case .found(let location, _) = ClusterLookup.find(project: projectDirectory, outsideRoot: outsideRoot) else { return nil }
        return location
    }

    /// The cluster's directory: where it is, or `<project>/.dbctl/postgres` before it exists.
    public var directory: URL {
        location?.directory ?? ClusterRecord.stateDirectory(of: projectDirectory).appendingPathComponent("postgres")
    }

    /// Why a cluster recorded for this project is not used (its directory is gone, or it belongs
    /// to the project this one was copied from), or nil.
    public var unusableRecordNote: String? {
        guard case .notCreated(let note) = ClusterLookup.find(project: projectDirectory, outsideRoot: outsideRoot) else { return nil }
        return note
    }

    /// The state of the cluster.
    public enum Status: Equatable, Sendable {
        case notCreated
        case stopped
        case running(port: Int)
    }

    public var status: Status {
        guard let location else { return .notCreated }
        guard let port = Self.runningPort(location) else { return .stopped }
        return .running(port: port)
    }

    /// The configuration to reach the cluster's database, when it is running.
    public func configuration() -> PGConfig? {
        guard case .running(let port) = status else { return nil }
        return PGConfig(host: "127.0.0.1", port: port, user: "postgres", database: databaseName)
    }

    /// Creates the cluster if needed, starts it if it is not running, makes sure the default
    /// database exists, and returns its configuration. `announce` gets one line when it creates
    /// or starts the cluster, saying where its files are (and why, when outside the project).
    @discardableResult
    public func start(binaries: PostgresBinaries? = nil, announce: (String) -> Void = { _ in }) async throws -> PGConfig {
        let location: ClusterLocation
        let tools: (binaries: PostgresBinaries, runner: ProcessRunner)
        switch ClusterLookup.find(project: projectDirectory, outsideRoot: outsideRoot) {
        case .found(let found, let movedFrom):
            try adopt(found, movedFrom: movedFrom, announce: announce)
            if let port = Self.runningPort(found) { return try await serve(port: port) }
            tools = (try binaries ?? PostgresBinaries.locate(), try ProcessRunner.forPostgres())
            location = found
            announce("Starting the local PostgreSQL cluster in \(display(found))")
        case .notCreated(let note):
            tools = (try binaries ?? PostgresBinaries.locate(), try ProcessRunner.forPostgres())
            if let note { announce("\(note); creating a new cluster for this project") }
            location = try await create(binaries: tools.binaries, runner: tools.runner, announce: announce)
        }
        var port = try preferredPort(location)
        var attempt = 1
        while true {
            // wal_level=logical: PGChangeStream and `dbctl watch` read changes through logical replication.
            let options = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c wal_level=logical"
            do {
                try await tools.runner.run(tools.binaries.path("pg_ctl"), ["-D", location.dataDirectory.path, "-l", location.logFile.path,
                                                                           "-w", "-t", "60", "-o", options, "start"])
                break
            } catch LocalClusterError.commandFailed(let command, let output) {
                let tail = Self.logTail(location)
                // A free port found a moment ago can be taken before the server binds it (another
                // program, another cluster starting at the same time): try another one.
                if attempt < 5, tail.contains("Address already in use") {
                    attempt += 1
                    port = try FreePort.find()
                    continue
                }
                throw LocalClusterError.commandFailed(command: command, output: output + tail)
            }
        }
        try String(port).write(to: location.portFile, atomically: true, encoding: .utf8)
        return try await serve(port: port)
    }

    /// Brings the records up to date for a cluster found outside the project: its owner file
    /// when the project moved, `.dbctl/cluster-directory` when it was lost.
    private func adopt(_ location: ClusterLocation, movedFrom: String?, announce: (String) -> Void) throws {
        guard location.placement == .outsideProject else { return }
        if let movedFrom {
            try (projectDirectory.path + "\n").write(to: location.ownerFile, atomically: true, encoding: .utf8)
            announce("The project moved from \(movedFrom); its local cluster in \(location.directory.path) moves with it")
        }
        if ClusterRecord.read(project: projectDirectory)?.path != location.directory.path {
            try ClusterRecord.write(location.directory, project: projectDirectory)
        }
    }

    /// Places and initializes a new cluster; removes what it made for the server's user when
    /// `initdb` fails, and records an outside directory only once it holds a cluster.
    private func create(binaries: PostgresBinaries, runner: ProcessRunner, announce: (String) -> Void) async throws -> ClusterLocation {
        let (location, reason) = try await ClusterDirectories.prepareNew(project: projectDirectory, outsideRoot: outsideRoot, runner: runner)
        do {
            try await runner.run(binaries.path("initdb"), [
                "-D", location.dataDirectory.path, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            ])
        } catch {
            try? FileManager.default.removeItem(at: location.directory)
            throw error
        }
        if location.placement == .outsideProject {
            try ClusterRecord.write(location.directory, project: projectDirectory)
        } else {
            ClusterRecord.remove(project: projectDirectory)
        }
        var line = "Created the local PostgreSQL cluster in \(display(location))"
        if let reason { line += " (\(reason), so its files live outside the project; recorded in \(ClusterRecord.displayPath))" }
        announce(line)
        return location
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
        guard let location, Self.runningPort(location) != nil else { return }
        let binaries = try binaries ?? PostgresBinaries.locate()
        try await ProcessRunner.forPostgres().run(binaries.path("pg_ctl"), ["-D", location.dataDirectory.path, "-m", mode.rawValue, "-w", "stop"])
    }

    /// The directory as a user reads it: relative inside the project, absolute outside.
    public func display(_ location: ClusterLocation) -> String {
        location.placement == .inProject ? ".dbctl/postgres" : location.directory.path
    }

    private func serve(port: Int) async throws -> PGConfig {
        let server = PGConfig(host: "127.0.0.1", port: port, user: "postgres", database: "postgres")
        _ = try await PGConnection.withConnection(server) { try await $0.createDatabaseIfMissing(databaseName) }
        return server.withDatabase(databaseName)
    }

    /// Stops the server at once (`pg_ctl -m immediate`), blocking the calling thread: for exit
    /// handlers, which cannot wait for a task. Does nothing when it is not running.
    public func stopImmediately() {
        guard let location, Self.runningPort(location) != nil,
              let binaries = try? PostgresBinaries.locate(), let runner = try? ProcessRunner.forPostgres() else { return }
        _ = try? runner.runSynchronously(binaries.path("pg_ctl"), ["-D", location.dataDirectory.path, "-m", "immediate", "-w", "stop"])
    }

    /// The port in `postmaster.pid` while the server runs (its fourth line).
    private static func runningPort(_ location: ClusterLocation) -> Int? {
        let pidFile = location.dataDirectory.appendingPathComponent("postmaster.pid")
        guard let contents = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 3, let pid = Int32(lines[0]), let port = Int(lines[3]) else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return port
    }

    /// The port used last time if it is still free, so URLs stay stable; otherwise a new one.
    private func preferredPort(_ location: ClusterLocation) throws -> Int {
        if let text = try? String(contentsOf: location.portFile, encoding: .utf8),
           let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), FreePort.isFree(port) {
            return port
        }
        return try FreePort.find()
    }

    /// The end of the server's log, for a start that failed.
    private static func logTail(_ location: ClusterLocation) -> String {
        guard let log = try? String(contentsOf: location.logFile, encoding: .utf8) else { return "" }
        let lines = log.split(separator: "\n").suffix(10)
        return "\nThe end of \(location.logFile.path):\n" + lines.joined(separator: "\n")
    }
}
