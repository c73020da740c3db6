import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// dbctl run as a user runs it: a separate process, no terminal, real exit codes.
@Suite(.serialized) struct DBCtlCommandTests {
    struct Project {
        let migrations: URL
        let url: String

        init(database: String) async throws {
            migrations = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            url = try await TestDatabase.create("dbctl_\(database)").url
        }

        func write(_ file: String, _ sql: String) throws {
            try sql.write(to: migrations.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }

        func dbctl(_ arguments: String...) async throws -> CommandRun {
            try await CommandRun.dbctl(arguments + ["--database-url", url, "--migrations", migrations.path])
        }

        func scalar(_ sql: String) async throws -> Int? {
            let connection = try await PGConnection.connect(try PGConfig(url))
            defer { Task { await connection.close() } }
            return try await connection.query(PGQuery(sql)).scalar(Int.self)
        }
    }

    @Test func concurrentDeploysApplyEachMigrationExactlyOnce() async throws {
        let project = try await Project(database: "concurrent")
        // The first migration waits (at most a minute) until the other deploy polls for the
        // migration lock, however long a loaded machine takes to start it (a fixed sleep could
        // end first). Backend status is a snapshot per transaction: cleared at each look.
        try project.write("0001_log.up.sql", """
            CREATE TABLE log (version int);
            DO $$
            BEGIN
              FOR attempt IN 1..1200 LOOP
                PERFORM pg_stat_clear_snapshot();
                EXIT WHEN EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                                  AND query LIKE 'SELECT pg_try_advisory_lock%'
                                  AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted));
                PERFORM pg_sleep(0.05);
              END LOOP;
            END $$;
            """)
        for version in 2...5 {
            try project.write(String(format: "%04d_step.up.sql", version), "INSERT INTO log VALUES (\(version)); SELECT pg_sleep(0.1);")
        }
        async let first = project.dbctl("deploy")
        async let second = project.dbctl("deploy")
        let results = try await [first, second]
        for result in results { #expect(result.status == 0, "\(result.errorOutput)") }
        #expect(try await project.scalar("SELECT count(*) FROM dbctl_migrations") == 5)
        #expect(try await project.scalar("SELECT count(*) FROM log") == 4)
        #expect(results.contains { $0.errorOutput.contains("Waiting for the migration lock, held by pid ") })
    }

    @Test func statusExitCodesFollowTheState() async throws {
        let project = try await Project(database: "status")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        let pending = try await project.dbctl("status")
        #expect(pending.status == 1)
        #expect(pending.output.contains("pending"))
        #expect(try await project.dbctl("deploy").status == 0)
        let clean = try await project.dbctl("status", "--json")
        #expect(clean.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(clean.output.utf8)) as? [String: Any]
        #expect(report?["up_to_date"] as? Bool == true)
        let entries = report?["migrations"] as? [[String: Any]]
        #expect(entries?.first?["status"] as? String == "applied")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id bigint);")
        let changed = try await project.dbctl("status")
        #expect(changed.status == 1)
        #expect(changed.output.contains("changed"))
    }

    @Test func failuresExitOneAndNameTheFileAndLine() async throws {
        let project = try await Project(database: "failure")
        try project.write("0001_bad.up.sql", "CREATE TABLE t (id int);\nSELECT * FROM nowhere;")
        let result = try await project.dbctl("deploy")
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("0001_bad.up.sql:2"))
        #expect(result.errorOutput.contains("42P01"))
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 't'") == 0)
    }

    @Test func deployRefusesAnEditedOrDeletedMigration() async throws {
        let project = try await Project(database: "edited")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try project.write("0002_b.up.sql", "CREATE TABLE b (id int);")
        #expect(try await project.dbctl("deploy").status == 0)
        try project.write("0002_b.up.sql", "CREATE TABLE b (id int, extra text);")
        let edited = try await project.dbctl("deploy")
        #expect(edited.status == 1)
        #expect(edited.errorOutput.contains("0002_b: the file changed after it was applied"))
        try FileManager.default.removeItem(at: project.migrations.appendingPathComponent("0002_b.up.sql"))
        let deleted = try await project.dbctl("deploy")
        #expect(deleted.status == 1)
        #expect(deleted.errorOutput.contains("missing"))
    }

    @Test func resetWithoutATerminalRefusesUnlessForced() async throws {
        let project = try await Project(database: "reset")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int); INSERT INTO a VALUES (1);")
        #expect(try await project.dbctl("deploy").status == 0)
        try await PGConnection.connect(try PGConfig(project.url)).execute("INSERT INTO a VALUES (2)")
        let refused = try await project.dbctl("reset")
        #expect(refused.status == 2, "a missing --force is bad usage")
        #expect(refused.errorOutput.contains("--force"))
        #expect(try await project.scalar("SELECT count(*) FROM a") == 2)
        let forced = try await project.dbctl("reset", "--force")
        #expect(forced.status == 0, "\(forced.errorOutput)")
        #expect(try await project.scalar("SELECT count(*) FROM a") == 1)
    }

    @Test func downRevertsAndRefusesWithoutADownFile() async throws {
        let project = try await Project(database: "down")
        try project.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try project.write("0001_a.down.sql", "DROP TABLE a;")
        try project.write("0002_b.up.sql", "CREATE TABLE b (id int);")
        #expect(try await project.dbctl("deploy").status == 0)
        let refused = try await project.dbctl("down")
        #expect(refused.status == 1)
        #expect(refused.errorOutput.contains("no .down.sql"))
        try project.write("0002_b.down.sql", "DROP TABLE b;")
        #expect(try await project.dbctl("down", "--steps", "2", "--force").status == 0)
        #expect(try await project.scalar("SELECT count(*) FROM dbctl_migrations") == 0)
        #expect(try await project.dbctl("deploy").status == 0)
        #expect(try await project.scalar("SELECT count(*) FROM dbctl_migrations") == 2)
    }

    @Test func setupCreatesAMissingDatabaseAndIsIdempotent() async throws {
        let server = try TestDatabase.serverConfig()
        let name = "pgkit_test_dbctl_setup_new"
        let admin = try await PGConnection.connect(server)
        try await admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "CREATE TABLE notes (id int, embedding vector(3));".write(to: folder.appendingPathComponent("0001_notes.up.sql"), atomically: true, encoding: .utf8)
        let arguments = ["setup", "--database-url", server.withDatabase(name).url, "--migrations", folder.path]
        let first = try await CommandRun.dbctl(arguments)
        #expect(first.status == 0, "\(first.errorOutput)")
        #expect(first.errorOutput.contains("created database"))
        let second = try await CommandRun.dbctl(arguments)
        #expect(second.status == 0)
        #expect(!second.errorOutput.contains("created database"))
        let created = try await PGConnection.connect(server.withDatabase(name))
        #expect(try await created.query("SELECT count(*) FROM notes").scalar(Int.self) == 0)
        await created.close()
        await admin.close()
    }

    @Test func badUsageExitsTwoAndTyposGetASuggestion() async throws {
        let typo = try await CommandRun.dbctl(["deplyo"])
        #expect(typo.status == 2)
        #expect(typo.errorOutput.contains("Did you mean 'deploy'?"))
        #expect(try await CommandRun.dbctl(["status", "--no-such-flag"]).status == 2)
        #expect(try await CommandRun.dbctl(["down", "--steps", "0"]).status == 2)
        let help = try await CommandRun.dbctl(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("deploy"))
    }

    @Test func passwordsNeverAppearInOutput() async throws {
        let server = try TestDatabase.serverConfig()
        let url = server.withUser("ghost_role", password: "Sup3r-S3cret!").url
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try await CommandRun.dbctl(["status", "--database-url", url, "--migrations", folder.path])
        #expect(result.status == 1)
        #expect(!(result.output + result.errorOutput).contains("Sup3r-S3cret!"))
        #expect(result.errorOutput.contains("ghost_role"))
    }
}

@Suite struct GenerateCommandTests {
    @Test func generateIsDeterministicAndCheckFindsDifferences() async throws {
        let config = try await TestDatabase.create("dbctl_generate")
        let migrations = ProjectPaths.migrations.path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("generated-\(UUID().uuidString)")
        let url = config.url
        #expect(try await CommandRun.dbctl(["deploy", "--database-url", url, "--migrations", migrations]).status == 0)
        let first = try await CommandRun.dbctl(["generate", "--database-url", url, "--output", output.path])
        #expect(first.status == 0, "\(first.errorOutput)")
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(files == ["CharacterFile.swift", "Memory.swift", "Message.swift", "Session.swift", "Specialization.swift", "User.swift", "Vectors.swift"])
        let before = try files.map { try String(contentsOf: output.appendingPathComponent($0), encoding: .utf8) }
        #expect(try await CommandRun.dbctl(["generate", "--database-url", url, "--output", output.path]).status == 0)
        let after = try files.map { try String(contentsOf: output.appendingPathComponent($0), encoding: .utf8) }
        #expect(before == after, "running generate twice changes nothing")
        #expect(before == (try files.map { try String(contentsOf: ProjectPaths.root.appendingPathComponent("Sources/Repositories/Generated").appendingPathComponent($0), encoding: .utf8) }),
                "the committed models match the migrations")
        #expect(try await CommandRun.dbctl(["generate", "--check", "--database-url", url, "--output", output.path]).status == 0)
        try "// edited\n".write(to: output.appendingPathComponent("User.swift"), atomically: true, encoding: .utf8)
        let check = try await CommandRun.dbctl(["generate", "--check", "--database-url", url, "--output", output.path])
        #expect(check.status == 1)
        #expect(check.errorOutput.contains("User.swift"))
    }
}

@Suite struct MigrationCrashTests {
    @Test func killingDBCtlMidMigrationLeavesTheDatabaseAsBeforeAndTheNextDeployApplies() async throws {
        let config = try await TestDatabase.create("dbctl_crash")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "CREATE TABLE first (id int);".write(to: folder.appendingPathComponent("0001_first.up.sql"), atomically: true, encoding: .utf8)
        // The slow statement sleeps as long as the table `gate` says: 60 s while dbctl is to be
        // killed in it (a loaded machine may take seconds between seeing it run and the kill; a
        // 3 s sleep once ended first, and the killed dbctl had exited 0), none for the rerun.
        try "CREATE TABLE second (id int);\nINSERT INTO second VALUES (1);\nSELECT pg_sleep((SELECT seconds FROM gate));\nCREATE TABLE third (id int);"
            .write(to: folder.appendingPathComponent("0002_slow.up.sql"), atomically: true, encoding: .utf8)
        let admin = try await PGConnection.connect(config)
        try await admin.executeScript("CREATE TABLE gate (seconds float8); INSERT INTO gate VALUES (60)")
        // A backend in pg_sleep would notice its client gone only when the minute is up.
        try await admin.executeScript("ALTER DATABASE \(PGQuery.quoteIdentifier(config.database!)) SET client_connection_check_interval = '200ms'")
        let arguments = ["deploy", "--database-url", config.url, "--migrations", folder.path]
        let running = try CommandRun.startDBCtl(arguments)
        func sleepingNow() async throws -> Int {
            try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(%'").scalar(Int.self) ?? 0
        }
        // Wait until the slow migration is running (starting dbctl can take seconds on a loaded
        // machine), then kill dbctl without warning.
        for _ in 0..<1200 {
            if try await sleepingNow() > 0 { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        running.signal(SIGKILL)
        let killed = try await running.wait()
        #expect(killed.status == 128 + SIGKILL)
        // The server notices the dropped connection (within 200 ms) and rolls the migration back.
        for _ in 0..<1200 where try await sleepingNow() != 0 {
            try await Task.sleep(for: .milliseconds(25))
        }
        try await admin.executeScript("UPDATE gate SET seconds = 0")
        #expect(try await admin.query("SELECT to_regclass('second') IS NULL").scalar(Bool.self) == true)
        #expect(try await admin.query("SELECT array_agg(version ORDER BY version) FROM dbctl_migrations").scalar([Int64].self) == [1])
        let again = try await CommandRun.dbctl(arguments)
        #expect(again.status == 0, "\(again.errorOutput)")
        #expect(try await admin.query("SELECT count(*) FROM second").scalar(Int.self) == 1)
        #expect(try await admin.query("SELECT to_regclass('third') IS NOT NULL").scalar(Bool.self) == true)
        await admin.close()
    }
}

@Suite struct LeastPrivilegeTests {
    @Test func setupCreatesAnAppRoleWithDataRightsOnlyAndAHashedPassword() async throws {
        let config = try await TestDatabase.create("dbctl_roles")
        let role = "chat_api_\(UInt16.random(in: 0...UInt16.max))"
        let secret = "S3cret-\(UUID().uuidString)"
        let result = try await CommandRun.dbctl(
            ["setup", "--database-url", config.url, "--migrations", ProjectPaths.migrations.path, "--app-user", role],
            environment: ["APP_DATABASE_PASSWORD": secret])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(!(result.output + result.errorOutput).contains(secret))
        let admin = try await PGConnection.connect(config)
        let stored = try await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = \(role)").scalar(String.self)
        #expect(stored?.hasPrefix("SCRAM-SHA-256$") == true, "only a verifier is stored")
        let app = try await PGConnection.connect(config.withUser(role, password: secret))
        try await app.query("SELECT count(*) FROM specializations")
        await #expect(throws: PGError.self) { try await app.executeScript("CREATE TABLE sneaky (x int)") }
        await #expect(throws: PGError.self) { try await app.executeScript("DROP TABLE memories") }
        do {
            try await app.executeScript("ALTER TABLE users ADD COLUMN x int")
        } catch let error as PGError {
            #expect(error.sqlState == .insufficientPrivilege)
        }
        // Without a user set, row-level security hides every user's rows from the app role.
        try await admin.execute("INSERT INTO users (email) VALUES (\("someone@example.com"))")
        #expect(try await app.query("SELECT count(*) FROM users").scalar(Int.self) == 0)
        await app.close()
        // Running setup again updates the password instead of failing.
        let again = try await CommandRun.dbctl(
            ["setup", "--database-url", config.url, "--migrations", ProjectPaths.migrations.path, "--app-user", role],
            environment: ["APP_DATABASE_PASSWORD": secret + "2"])
        #expect(again.status == 0)
        #expect(again.errorOutput.contains("updated"))
        let missing = try await CommandRun.dbctl(["setup", "--database-url", config.url, "--migrations", ProjectPaths.migrations.path, "--app-user", role])
        #expect(missing.status == 2)
        await admin.close()
    }
}
