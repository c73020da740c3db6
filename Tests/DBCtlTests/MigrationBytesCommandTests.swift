import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Migration files with hostile bytes and sizes, and bad numbers on the command line, through
/// the real binary against a real server.
@Suite(.serialized) struct MigrationBytesCommandTests {
    struct Project {
        let migrations: URL
        let url: String

        init(database: String) async throws {
            migrations = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-bytes-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            url = try await TestDatabase.create("dbctl_bytes_\(database)").url
        }

        func write(_ file: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: migrations.appendingPathComponent(file))
        }

        func dbctl(_ arguments: String...) async throws -> CommandRun {
            try await CommandRun.dbctl(arguments + ["--database-url", url, "--migrations", migrations.path])
        }

        func scalar(_ sql: String) async throws -> Int? {
            try await PGConnection.withConnection(try PGConfig(url)) { try await $0.query(PGQuery(sql)).scalar(Int.self) }
        }
    }

    @Test func deployRefusesAMigrationWithANULByteBeforeRunningAnything() async throws {
        let project = try await Project(database: "nul")
        try project.write("0001_table.up.sql", Array("CREATE TABLE n1 (id int);".utf8))
        #expect(try await project.dbctl("deploy").status == 0)
        try project.write("0002_rows.up.sql", Array("-- rows\nINSERT INTO n1 VALUES (1), (2)".utf8) + [0] + Array(", (3);\nINSERT INTO n1 VALUES (4);\n".utf8))
        let result = try await project.dbctl("deploy")
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("0002_rows.up.sql:2"), "\(result.errorOutput)")
        #expect(result.errorOutput.contains("NUL"))
        #expect(try await project.scalar("SELECT count(*) FROM n1") == 0, "the table is untouched")
        #expect(try await project.scalar("SELECT count(*) FROM dbctl_migrations WHERE version = 2") == 0, "the history has no row")
        let status = try await project.dbctl("status")
        #expect(status.status == 1)
        #expect(status.errorOutput.contains("0002_rows.up.sql:2"), "status refuses the file too")
    }

    @Test func aNULByteInADownFileStopsDeployAndDown() async throws {
        let project = try await Project(database: "nul_down")
        try project.write("0001_table.up.sql", Array("CREATE TABLE n2 (id int);".utf8))
        try project.write("0001_table.down.sql", Array("-- undo\nDROP TABLE n2".utf8) + [0] + Array(";".utf8))
        let deploy = try await project.dbctl("deploy")
        #expect(deploy.status == 1)
        #expect(deploy.errorOutput.contains("0001_table.down.sql:2"), "\(deploy.errorOutput)")
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'n2'") == 0)
    }

    @Test func aLargeMigrationCostsAboutItsSizeInMemory() async throws {
        let project = try await Project(database: "large")
        try project.write("0001_table.up.sql", Array("CREATE TABLE big (id bigint PRIMARY KEY, body text NOT NULL);".utf8))
        #expect(try await project.dbctl("deploy").status == 0)
        let small = try await project.dbctl("status")   // the binary's own footprint
        // 20 MB: 2,000 statements of 100 rows each.
        var sql: [UInt8] = []
        sql.reserveCapacity(21_000_000)
        let padding = String(repeating: "lorem ipsum dolor sit amet ", count: 3)
        for statement in 0..<2_000 {
            let rows = (0..<100).map { row in "(\(statement * 100 + row), 'row \(row): \(padding)')" }
            sql += Array("INSERT INTO big (id, body) VALUES \(rows.joined(separator: ", "));\n".utf8)
        }
        let fileSize = sql.count
        #expect(fileSize > 20_000_000)
        try project.write("0002_rows.up.sql", sql)
        let deploy = try await project.dbctl("deploy")
        #expect(deploy.status == 0, "\(deploy.errorOutput)")
        #expect(try await project.scalar("SELECT count(*) FROM big") == 200_000)
        // Documented bound: the migration costs less than twice its size on top of the binary's
        // own footprint (the file is held once; before, copies made it about 18 times).
        let extra = (deploy.peakMemoryKilobytes - small.peakMemoryKilobytes) * 1024
        #expect(small.peakMemoryKilobytes > 0)
        #expect(extra < 2 * fileSize, "peak \(deploy.peakMemoryKilobytes) KB against \(small.peakMemoryKilobytes) KB for a \(fileSize / 1_000_000) MB file")
    }

    @Test func negativeOrZeroNumbersAreBadUsageAndTouchNothing() async throws {
        let project = try await Project(database: "numbers")
        try project.write("0001_table.up.sql", Array("CREATE TABLE t (id int);".utf8))
        let cases: [[String]] = [
            ["deploy", "--lock-timeout=-5"], ["deploy", "--lock-timeout", "-5"], ["deploy", "--lock-timeout", "99999999999999999999"],
            ["deploy", "--lock-timeout", "ten"], ["down", "--steps", "0"], ["down", "--steps=-1"],
        ]
        for arguments in cases {
            let result = try await CommandRun.dbctl(arguments + ["--database-url", project.url, "--migrations", project.migrations.path])
            #expect(result.status == 2, "\(arguments): \(result.errorOutput)")
            #expect(result.errorOutput.contains(arguments[1].hasPrefix("--lock") ? "lock-timeout" : "steps"), "\(arguments): \(result.errorOutput)")
        }
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename IN ('t', 'dbctl_migrations')") == 0)
        let zero = try await project.dbctl("deploy", "--lock-timeout", "0")
        #expect(zero.status == 0, "zero means: do not wait for another deploy's lock. \(zero.errorOutput)")
    }
}
