import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// The edges of dbctl's migration commands, through the real binary against a real server:
/// counts larger than the history, down files that drop tables, usage checked before work,
/// comment-only files, reused numbers, one way of naming a migration, and the lock's holder.
@Suite(.serialized) struct MigrationEdgeCommandTests {
    struct Project {
        let migrations: URL
        let config: PGConfig
        var url: String { config.url }

        init(database: String) async throws {
            migrations = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-edges-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            config = try await TestDatabase.create("dbctl_edges_\(database)")
        }

        func write(_ file: String, _ sql: String) throws {
            try sql.write(to: migrations.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }

        func remove(_ file: String) throws { try FileManager.default.removeItem(at: migrations.appendingPathComponent(file)) }

        func dbctl(_ arguments: String...) async throws -> CommandRun {
            try await CommandRun.dbctl(arguments + ["--database-url", url, "--migrations", migrations.path])
        }

        /// dbctl on a terminal (a pseudo-terminal from util-linux's `script`), answering its
        /// question with `answer`. Everything it writes, standard error included, is in `output`.
        func dbctlOnATerminal(answering answer: String, _ arguments: String...) async throws -> CommandRun {
            let command = ([CommandRun.dbctlPath] + arguments + ["--database-url", url, "--migrations", migrations.path])
                .map { "'\($0)'" }.joined(separator: " ")
            return try await CommandRun.run("/bin/sh", ["-c", "(sleep 1; printf '%s\\n' \"$0\") | script -qec \"NO_COLOR=1 $1\" /dev/null",
                                                        answer, command])
        }

        func scalar(_ sql: String) async throws -> Int? {
            try await PGConnection.withConnection(config) { try await $0.query(PGQuery(sql)).scalar(Int.self) }
        }

        func appliedCount() async throws -> Int? { try await scalar("SELECT count(*) FROM dbctl_migrations") }

        /// Three migrations, each creating a table its down file drops.
        func writeThreeTables() throws {
            for (version, table) in [(1, "a"), (2, "b"), (3, "c")] {
                try write("000\(version)_\(table).up.sql", "CREATE TABLE \(table) (id int);")
                try write("000\(version)_\(table).down.sql", "-- undo\nDROP TABLE \(table);")
            }
        }
    }

    @Test func downRefusesMoreStepsThanAreAppliedAndChangesNothing() async throws {
        let project = try await Project(database: "steps")
        try project.writeThreeTables()
        #expect(try await project.dbctl("deploy").status == 0)
        let refused = try await project.dbctl("down", "--steps", "5", "--force")
        #expect(refused.status == 2, "\(refused.errorOutput)")
        #expect(refused.errorOutput.contains("asked to revert 5 migrations, but only 3 are applied (0003_c, 0002_b, 0001_a)"), "\(refused.errorOutput)")
        #expect(refused.errorOutput.contains("nothing was reverted"))
        #expect(try await project.appliedCount() == 3)
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b', 'c')") == 3)
        #expect(try await project.dbctl("down", "--steps", "3", "--force").status == 0)
        #expect(try await project.appliedCount() == 0)
    }

    @Test func downOfATableDroppingFileRefusesWithoutATerminalUnlessForced() async throws {
        let project = try await Project(database: "drop_force")
        try project.writeThreeTables()
        #expect(try await project.dbctl("deploy").status == 0)
        let refused = try await project.dbctl("down")
        #expect(refused.status == 2, "\(refused.errorOutput)")
        #expect(refused.errorOutput.contains("0003_c.down.sql:2 DROP TABLE c"), "\(refused.errorOutput)")
        #expect(refused.errorOutput.contains("pass --force"))
        #expect(try await project.appliedCount() == 3)
        let forced = try await project.dbctl("down", "--force")
        #expect(forced.status == 0, "\(forced.errorOutput)")
        #expect(try await project.appliedCount() == 2)
        // A down file that drops nothing runs without a question.
        try project.write("0002_b.down.sql", "ALTER TABLE b ADD COLUMN note text;")
        let harmless = try await project.dbctl("down")
        #expect(harmless.status == 0, "\(harmless.errorOutput)")
        #expect(try await project.appliedCount() == 1)
    }

    @Test func downOnATerminalRevertsOnlyWhenTheDatabaseNameIsTyped() async throws {
        let project = try await Project(database: "drop_prompt")
        try project.writeThreeTables()
        #expect(try await project.dbctl("deploy").status == 0)
        let wrong = try await project.dbctlOnATerminal(answering: "no", "down", "--steps", "2")
        #expect(wrong.status == 1, "\(wrong.output)")
        #expect(wrong.output.contains("Reverting 0003_c, 0002_b drops or empties tables"), "\(wrong.output)")
        #expect(wrong.output.contains("0002_b.down.sql:2 DROP TABLE b"))
        #expect(wrong.output.contains("Type the database name (\(project.config.database ?? "")) to confirm"))
        #expect(wrong.output.contains("not confirmed; nothing was changed"))
        #expect(try await project.appliedCount() == 3)
        let confirmed = try await project.dbctlOnATerminal(answering: project.config.database ?? "", "down", "--steps", "2")
        #expect(confirmed.status == 0, "\(confirmed.output)")
        #expect(confirmed.output.contains("reverted 0002_b"))
        #expect(try await project.appliedCount() == 1)
    }

    @Test func downRevertsTheChatSchemaIncludingItsConcurrentIndexChanges() async throws {
        let project = try await Project(database: "chat_down")
        let chat = ["--database-url", project.url, "--migrations", ProjectPaths.migrations.path]
        #expect(try await CommandRun.dbctl(["deploy"] + chat).status == 0)
        // 0003's down file drops and builds indexes concurrently: it must run outside a transaction.
        let steps = try FileManager.default.contentsOfDirectory(atPath: ProjectPaths.migrations.path).filter { $0.hasSuffix(".up.sql") }.count
        let down = try await CommandRun.dbctl(["down", "--steps", "\(steps)", "--force"] + chat)
        #expect(down.status == 0, "\(down.errorOutput)")
        #expect(try await project.appliedCount() == 0)
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'dbctl_migrations'") == 0)
        #expect(try await CommandRun.dbctl(["deploy"] + chat).status == 0, "and up again")
    }

    @Test func setupWithAnAppUserButNoPasswordIsBadUsageAndChangesNothing() async throws {
        let server = try TestDatabase.serverConfig()
        let name = "pgkit_test_dbctl_edges_app_user"
        try await PGConnection.withConnection(server) { try await $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let result = try await CommandRun.dbctl(
            ["setup", "--database-url", server.withDatabase(name).url, "--migrations", ProjectPaths.migrations.path, "--app-user", "chat_api"],
            environment: ["APP_DATABASE_PASSWORD": ""])
        #expect(result.status == 2, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("APP_DATABASE_PASSWORD"))
        #expect(!result.errorOutput.contains("created database") && !result.errorOutput.contains("pgvector"), "\(result.errorOutput)")
        let exists = try await PGConnection.withConnection(server) {
            try await $0.query("SELECT count(*) FROM pg_database WHERE datname = \(name)").scalar(Int.self)
        }
        #expect(exists == 0, "setup did none of its other work")
    }

    @Test func aMigrationOfOnlyCommentsIsAppliedWithAWarningNamingTheFile() async throws {
        let project = try await Project(database: "comments")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try project.write("0002_later.up.sql", "-- TODO: add the index\n/* CREATE INDEX a_id ON a (id); */\n")
        let deploy = try await project.dbctl("deploy")
        #expect(deploy.status == 0, "\(deploy.errorOutput)")
        #expect(deploy.errorOutput.contains("warning: 0002_later.up.sql holds no statements, only comments"), "\(deploy.errorOutput)")
        #expect(!deploy.errorOutput.contains("warning: 0001_a"))
        #expect(try await project.appliedCount() == 2)
    }

    @Test func aNewFileReusingAnAppliedNumberIsReportedAsRenamedNotChanged() async throws {
        let project = try await Project(database: "renamed")
        try project.write("0001_chat_schema.up.sql", "CREATE TABLE chat (id int);")
        #expect(try await project.dbctl("deploy").status == 0)
        try project.remove("0001_chat_schema.up.sql")
        try project.write("0001_add_tags.up.sql", "CREATE TABLE tags (id int);")
        let expected = "version 0001 is applied as chat_schema, but the file now is add_tags"
        let status = try await project.dbctl("status")
        #expect(status.status == 1)
        #expect(status.output.contains("renamed      0001_add_tags"), "\(status.output)")
        #expect(status.output.contains(expected), "\(status.output)")
        let json = try await project.dbctl("status", "--json")
        let entry = ((try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])?["migrations"] as? [[String: Any]])?.first
        #expect(entry?["status"] as? String == "renamed")
        #expect(entry?["applied_name"] as? String == "chat_schema")
        #expect(entry?["migration"] as? String == "0001_add_tags")
        for command in ["deploy", "migrate"] {
            let result = try await project.dbctl(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.errorOutput.contains("0001_add_tags: \(expected)"), "\(command): \(result.errorOutput)")
            #expect(!result.errorOutput.contains("the file changed after it was applied"), "\(command)")
        }
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'tags'") == 0)
    }

    @Test func everyCommandNamesAMigrationTheSameWay() async throws {
        let project = try await Project(database: "labels")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try project.write("0001_a.down.sql", "ALTER TABLE a ADD COLUMN undone int;")
        try project.write("0003_add_tags.up.sql", "CREATE INDEX a_id ON a (id);")
        try project.write("0003_add_tags.down.sql", "DROP INDEX a_id;")
        let deploy = try await project.dbctl("deploy", "--json")
        #expect(deploy.status == 0, "\(deploy.errorOutput)")
        let applied = (try JSONSerialization.jsonObject(with: Data(deploy.output.utf8)) as? [String: Any])?["applied"] as? [[String: Any]]
        #expect(applied?.compactMap { $0["migration"] as? String } == ["0001_a", "0003_add_tags"])
        let status = try await project.dbctl("status")
        #expect(status.output.contains("0003_add_tags  applied"), "\(status.output)")
        let down = try await project.dbctl("down")
        #expect(down.errorOutput.contains("Reverting 0003_add_tags..."), "\(down.errorOutput)")
        #expect(down.errorOutput.contains("reverted 0003_add_tags"))
        #expect(!down.errorOutput.contains("3 add_tags"))
        let json = try await project.dbctl("down", "--json")
        let reverted = (try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])?["reverted"] as? [[String: Any]]
        #expect(reverted?.first?["migration"] as? String == "0001_a")
        #expect(reverted?.first?["version"] as? Int == 1)
    }

    /// A session of the test's own holding (or waiting for) the migration lock.
    struct LockSession {
        static let key: Int64 = 0x6462_6374_6C5F_6D67
        let connection: PGConnection
        let pid: Int32

        init(_ config: PGConfig, applicationName: String) async throws {
            var config = config
            config["application_name"] = applicationName
            connection = try await PGConnection.connect(config)
            pid = try await connection.query("SELECT pg_backend_pid()").scalar(Int32.self) ?? 0
        }

        func lock() async throws { try await connection.query("SELECT pg_advisory_lock(\(Self.key))") }
        func unlock() async throws { try await connection.query("SELECT pg_advisory_unlock(\(Self.key))") }
    }

    @Test func waitingForTheLockNamesItsHolderAndEachNewOne() async throws {
        let project = try await Project(database: "lock_holder")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        let first = try await LockSession(project.config, applicationName: "first-holder")
        let second = try await LockSession(project.config, applicationName: "second-holder")
        try await first.lock()
        let deploy = try CommandRun.startDBCtl(["deploy", "--lock-timeout", "60", "--database-url", project.url, "--migrations", project.migrations.path])
        /// Waits (at most 30 s) until dbctl has reported `count` holders (a fixed sleep can end
        /// before a loaded machine has even started it).
        func waitForReports(_ count: Int) async throws {
            for _ in 0..<600 {
                if deploy.currentErrorOutput().components(separatedBy: "Waiting for the migration lock").count - 1 >= count { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await waitForReports(1)
        let secondWaits = Task { try await second.lock() }   // queued behind the first: it gets the lock next
        for _ in 0..<600 where try await first.connection.query("SELECT count(*) FROM pg_locks WHERE pid = \(second.pid) AND NOT granted").scalar(Int.self) == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await first.unlock()
        try await secondWaits.value
        try await waitForReports(2)
        try await second.unlock()
        let result = try await deploy.wait()
        await first.connection.close()
        await second.connection.close()
        #expect(result.status == 0, "\(result.errorOutput)")
        let lines = result.errorOutput.split(separator: "\n").filter { $0.hasPrefix("Waiting for the migration lock") }
        #expect(lines.count == 2, "once per holder: \(result.errorOutput)")
        #expect(lines.first?.contains("held by pid \(first.pid) (application_name \"first-holder\", user postgres, from 127.0.0.1, connected since ") == true,
                "\(lines)")
        #expect(lines.last?.contains("held by pid \(second.pid) (application_name \"second-holder\"") == true, "\(lines)")
        #expect(try await project.appliedCount() == 1)
    }

    @Test func aLockTimeoutNamesTheHolderAndHowToEndItsSession() async throws {
        let project = try await Project(database: "lock_timeout")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        let holder = try await LockSession(project.config, applicationName: "stuck-deploy")
        try await holder.lock()
        let result = try await project.dbctl("deploy", "--lock-timeout", "1")
        await holder.connection.close()
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("held by pid \(holder.pid) (application_name \"stuck-deploy\""), "\(result.errorOutput)")
        #expect(result.errorOutput.contains("SELECT pg_terminate_backend(\(holder.pid))"))
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'a'") == 0)
        // The holder's session is gone, and its lock with it: the next deploy does not wait.
        let next = try await project.dbctl("deploy", "--lock-timeout", "0")
        #expect(next.status == 0, "\(next.errorOutput)")
    }
}
