import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// The quick start's `dbctl setup` with no database configured, run as root from a project the
/// `postgres` user cannot enter (root's home is mode 700), and as an ordinary user: the real
/// binary, the real local cluster, and the files and permissions it leaves behind.
@Suite(.serialized) struct LocalClusterPlacementCommandTests {
    static var postgresUID: uid_t? { getpwnam("postgres").map { $0.pointee.pw_uid } }
    static var runsAsRootWithAPostgresUser: Bool { geteuid() == 0 && postgresUID != nil }

    /// A project directory of mode 700 owned by root, with one migration, as `/root/app` is.
    struct ClosedProject {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-closed-\(UUID().uuidString)")
            let migrations = directory.appendingPathComponent("migrations")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            try "CREATE TABLE notes (id int, embedding vector(3));"
                .write(to: migrations.appendingPathComponent("0001_notes.up.sql"), atomically: true, encoding: .utf8)
            chmod(directory.path, 0o700)
        }

        func dbctl(_ arguments: String..., environment: [String: String] = [:]) async throws -> CommandRun {
            try await CommandRun.dbctl(arguments, environment: environment, in: directory)
        }

        var mode: mode_t {
            var info = stat()
            return lstat(directory.path, &info) == 0 ? info.st_mode & 0o7777 : 0
        }

        /// Every path in the project (the project included) owned by `uid`.
        func paths(ownedBy uid: uid_t) -> [String] {
            var found: [String] = []
            var info = stat()
            if lstat(directory.path, &info) == 0, info.st_uid == uid { found.append(directory.path) }
            let walker = FileManager.default.enumerator(atPath: directory.path)
            while let relative = walker?.nextObject() as? String {
                if lstat(directory.appendingPathComponent(relative).path, &info) == 0, info.st_uid == uid { found.append(relative) }
            }
            return found
        }

        var recordedClusterDirectory: String? {
            (try? String(contentsOf: directory.appendingPathComponent(".dbctl/cluster-directory"), encoding: .utf8))?
                .trimmingCharacters(in: .newlines)
        }
    }

    @Test(.enabled(if: runsAsRootWithAPostgresUser, "needs root and the postgres OS user"))
    func setupAsRootInAClosedProjectKeepsTheClusterOutsideAndTheProjectUntouched() async throws {
        let project = try ClosedProject()
        var clusterDirectory: String?
        defer {
            try? FileManager.default.removeItem(at: project.directory)
        }
        do {
            let setup = try await project.dbctl("setup")
            #expect(setup.status == 0, "\(setup.errorOutput)")
            #expect(setup.errorOutput.contains("applied 1 migration"), "\(setup.errorOutput)")
            #expect(!setup.errorOutput.contains("could not change directory"), "\(setup.errorOutput)")
            clusterDirectory = project.recordedClusterDirectory
            let outside = try #require(clusterDirectory, "the outside directory is recorded in .dbctl/cluster-directory")
            #expect(outside.hasPrefix("/var/lib/pgkit/clusters/"))
            #expect(!outside.hasPrefix(project.directory.path))
            let said = setup.errorOutput.split(separator: "\n").filter { $0.contains(outside) && $0.contains("cannot enter") }
            #expect(said.count == 1, "one line says where the files are and why: \(setup.errorOutput)")

            #expect(project.mode == 0o700, "the project's permissions are unchanged")
            #expect(project.paths(ownedBy: try #require(Self.postgresUID)).isEmpty)
            var info = stat()
            #expect(lstat(outside + "/data", &info) == 0 && info.st_uid == Self.postgresUID)

            let url = try await project.dbctl("db", "url")
            #expect(url.status == 0, "\(url.errorOutput)")
            let databaseURL = url.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let applied = try await PGConnection.withConnection(try PGConfig(databaseURL)) {
                try await $0.query("SELECT count(*) FROM dbctl_migrations").scalar(Int.self)
            }
            #expect(applied == 1)
            let running = try await project.dbctl("db", "status")
            #expect(running.status == 0)
            #expect(running.output.contains("running on 127.0.0.1:") && running.output.contains(outside), "\(running.output)")
            let status = try await project.dbctl("status", environment: ["DATABASE_URL": databaseURL])
            #expect(status.status == 0, "\(status.output)\(status.errorOutput)")
            #expect(status.output.contains("0001_notes"))

            let stop = try await project.dbctl("db", "stop")
            #expect(stop.status == 0, "\(stop.errorOutput)")
            let stopped = try await project.dbctl("db", "status")
            #expect(stopped.status == 1)
            #expect(stopped.output.contains("stopped"))
            let again = try await project.dbctl("setup")
            #expect(again.status == 0, "\(again.errorOutput)")
            #expect(again.errorOutput.contains("migrations are up to date"), "the same cluster, found again: \(again.errorOutput)")
            #expect(project.paths(ownedBy: try #require(Self.postgresUID)).isEmpty)
        } catch {
            Issue.record(error)
        }
        _ = try? await project.dbctl("db", "stop")
        if let clusterDirectory { try? FileManager.default.removeItem(atPath: clusterDirectory) }
    }

    @Test(.enabled(if: runsAsRootWithAPostgresUser, "needs root and the postgres OS user"))
    func aFailedInitdbLeavesNothingOfThePostgresUserBehind() async throws {
        let project = try ClosedProject()
        let fakeBin = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-fake-bin-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: project.directory)
            try? FileManager.default.removeItem(at: fakeBin)
        }
        try FileManager.default.createDirectory(at: fakeBin, withIntermediateDirectories: true)
        for program in ["initdb", "pg_ctl"] {
            let path = fakeBin.appendingPathComponent(program).path
            try "#!/bin/sh\necho \"\(program): refusing for the test\" >&2\nexit 1\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        let setup = try await project.dbctl("setup", environment: ["PG_BIN": fakeBin.path])
        #expect(setup.status == 1)
        #expect(setup.errorOutput.contains("initdb: refusing for the test"), "\(setup.errorOutput)")
        #expect(project.mode == 0o700)
        #expect(project.paths(ownedBy: try #require(Self.postgresUID)).isEmpty)
        #expect(project.recordedClusterDirectory == nil)
        let root = "/var/lib/pgkit/clusters"
        let owners = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap {
            try? String(contentsOfFile: "\(root)/\($0)/project", encoding: .utf8)
        }
        #expect(!owners.contains { $0.hasPrefix(project.directory.path) }, "the outside directory made for it is gone")
    }

    /// `nobody` can run the binary built next to the tests when every directory above it can be
    /// searched by others.
    static var nobodyCanRunDBCtl: Bool {
        guard geteuid() == 0, getpwnam("nobody") != nil else { return false }
        var url = URL(fileURLWithPath: CommandRun.dbctlPath)
        var info = stat()
        while url.path != "/" {
            guard stat(url.path, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            url.deleteLastPathComponent()
        }
        return true
    }

    @Test(.enabled(if: nobodyCanRunDBCtl, "needs root (to become nobody) and a dbctl binary others can run"))
    func setupAsAnOrdinaryUserRunsTheServerAsThatUserInsideTheProject() async throws {
        let account = try #require(getpwnam("nobody")).pointee
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-user-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: project) }
        let migrations = project.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE notes (id int);".write(to: migrations.appendingPathComponent("0001_notes.up.sql"), atomically: true, encoding: .utf8)
        for path in [project.path, migrations.path, migrations.appendingPathComponent("0001_notes.up.sql").path] {
            chown(path, account.pw_uid, account.pw_gid)
        }
        chmod(project.path, 0o700)
        func asNobody(_ arguments: String...) async throws -> CommandRun {
            try await CommandRun.run("/usr/sbin/runuser", ["-u", "nobody", "--", CommandRun.dbctlPath] + arguments, in: project)
        }
        do {
            let setup = try await asNobody("setup")
            #expect(setup.status == 0, "\(setup.errorOutput)")
            #expect(setup.errorOutput.contains("Created the local PostgreSQL cluster in .dbctl/postgres"), "\(setup.errorOutput)")
            var info = stat()
            #expect(stat(project.appendingPathComponent(".dbctl/postgres/data").path, &info) == 0 && info.st_uid == account.pw_uid)
            #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent(".dbctl/cluster-directory").path))
            let status = try await asNobody("db", "status")
            #expect(status.status == 0)
            #expect(status.output.contains("files in .dbctl/postgres"), "\(status.output)")
        } catch {
            Issue.record(error)
        }
        let stop = try await asNobody("db", "stop")
        #expect(stop.status == 0, "\(stop.errorOutput)")
    }
}
