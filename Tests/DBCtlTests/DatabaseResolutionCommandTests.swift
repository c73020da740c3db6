import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// How dbctl finds its database, tried with real `.env` files (hostile bytes, dotenv syntax,
/// things that are not files) in the directory the real binary runs in.
@Suite(.serialized) struct DatabaseResolutionCommandTests {
    /// A project directory with one migration and whatever `.env` a test writes.
    struct Project {
        let directory: URL
        let url: String

        init(database: String) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-env-\(UUID().uuidString)")
            let migrations = directory.appendingPathComponent("migrations")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            try "CREATE TABLE applied_here (id int);".write(to: migrations.appendingPathComponent("0001_a.up.sql"), atomically: true, encoding: .utf8)
            url = try await TestDatabase.create("dbctl_env_\(database)").url
        }

        var dotEnv: URL { directory.appendingPathComponent(".env") }

        func writeDotEnv(_ bytes: [UInt8]) throws { try Data(bytes).write(to: dotEnv) }

        func dbctl(_ arguments: String...) async throws -> CommandRun {
            try await CommandRun.dbctl(arguments, in: directory)
        }

        /// Whether the migration reached the test database.
        func migrationApplied() async throws -> Bool {
            try await PGConnection.withConnection(try PGConfig(url)) {
                try await $0.query("SELECT to_regclass('applied_here') IS NOT NULL").scalar(Bool.self) ?? false
            }
        }

        var createdLocalCluster: Bool {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(".dbctl").path)
        }
    }

    @Test func deployRefusesADotEnvThatIsNotUTF8AndTouchesNoDatabase() async throws {
        let project = try await Project(database: "latin1")
        try project.writeDotEnv(Array("NOTE=caf".utf8) + [0xE9] + Array("\nDATABASE_URL=\(project.url)\n".utf8))
        let result = try await project.dbctl("deploy")
        #expect(result.status == 1)
        #expect(result.errorOutput.contains(".env:1"), "\(result.errorOutput)")
        #expect(result.errorOutput.contains("UTF-8"))
        #expect(!result.errorOutput.contains("local"), "no word of a fallback")
        #expect(try await !project.migrationApplied())
        #expect(!project.createdLocalCluster)
    }

    @Test func developmentCommandsDoNotFallBackPastABrokenDotEnvEither() async throws {
        let project = try await Project(database: "nul")
        try project.writeDotEnv(Array("DATABASE_URL=\(project.url)\nA=x".utf8) + [0] + Array("\n".utf8))
        for command in ["setup", "migrate", "studio"] {
            let result = try await project.dbctl(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.errorOutput.contains(".env:2"), "\(command): \(result.errorOutput)")
            #expect(result.errorOutput.contains("NUL"))
        }
        #expect(try await !project.migrationApplied())
        #expect(!project.createdLocalCluster)
    }

    @Test func dotEnvThatExistsButCannotBeReadIsAnErrorEvenForRoot() async throws {
        let project = try await Project(database: "unreadable")
        let makers: [(String, (String) throws -> Void)] = [
            ("a directory", { try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) }),
            ("a FIFO", { path in guard mkfifo(path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) } }),
            ("a symbolic link to itself", { try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: $0) }),
        ]
        for (kind, make) in makers {
            try make(project.dotEnv.path)
            defer { try? FileManager.default.removeItem(at: project.dotEnv) }
            for command in ["deploy", "migrate"] {
                let result = try await project.dbctl(command)
                #expect(result.status == 1, "\(kind), \(command)")
                #expect(result.errorOutput.contains(".env"), "\(kind), \(command): \(result.errorOutput)")
            }
        }
        #expect(try await !project.migrationApplied())
        #expect(!project.createdLocalCluster)
    }

    @Test func dotEnvSyntaxOfTheDotenvToolsIsAccepted() async throws {
        let project = try await Project(database: "syntax")
        try project.writeDotEnv(Array("# production\nDATABASE_URL=\"\(project.url)\" # the one to migrate\n".utf8))
        let deploy = try await project.dbctl("deploy")
        #expect(deploy.status == 0, "\(deploy.errorOutput)")
        #expect(try await project.migrationApplied())
        // status exits 0 only when it reads the database the migration went to.
        let variants: [(String, [UInt8])] = [
            ("export and a tab", Array("export\tDATABASE_URL=\(project.url)\n".utf8)),
            ("CRLF and a byte order mark", [0xEF, 0xBB, 0xBF] + Array("OTHER=1\r\nDATABASE_URL='\(project.url)'\r\n".utf8)),
            ("single quotes and a comment", Array("DATABASE_URL='\(project.url)'   # note\n".utf8)),
        ]
        for (name, bytes) in variants {
            try project.writeDotEnv(bytes)
            let status = try await project.dbctl("status")
            #expect(status.status == 0, "\(name): \(status.errorOutput)")
            #expect(status.output.contains("applied"), "\(name)")
        }
    }

    @Test func aRepeatedDatabaseURLUsesTheLastAndSaysSo() async throws {
        let project = try await Project(database: "repeated")
        try project.writeDotEnv(Array("DATABASE_URL=postgresql://nobody@127.0.0.1:1/elsewhere\nDATABASE_URL=\(project.url)\n".utf8))
        let result = try await project.dbctl("deploy")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("lines 1, 2"))
        #expect(try await project.migrationApplied())
    }

    @Test func productionCommandsWithNothingConfiguredFailAndCreateNoCluster() async throws {
        let project = try await Project(database: "nothing")
        for command in ["deploy", "status", "down"] {
            let result = try await project.dbctl(command)
            #expect(result.status == 1, "\(command): \(result.errorOutput)")
            #expect(result.errorOutput.contains("no database configured"), "\(command)")
            for way in ["--database-url", "DATABASE_URL", ".env"] {
                #expect(result.errorOutput.contains(way), "\(command) says how to configure one: \(way)")
            }
        }
        #expect(!project.createdLocalCluster)
    }

    @Test func developmentCommandsFallBackToTheLocalClusterAndSaySo() async throws {
        let project = try await Project(database: "fallback")
        let result = try await project.dbctl("migrate", "--no-shadow")
        let stopped = try await project.dbctl("db", "stop")
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("No database configured"))
        #expect(result.errorOutput.contains("local cluster"))
        #expect(result.errorOutput.contains("applied 1 migration"))
        #expect(project.createdLocalCluster)
        #expect(stopped.status == 0, "\(stopped.errorOutput)")
        #expect(try await !project.migrationApplied(), "the test database was never named")
        try? FileManager.default.removeItem(at: project.directory)
    }
}
