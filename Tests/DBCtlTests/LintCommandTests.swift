import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `dbctl lint`, and the lint in `deploy` and `migrate`, through the real binary.
@Suite(.serialized) struct LintCommandTests {
    typealias Project = DBCtlCommandTests.Project

    static let base = "CREATE TABLE messages (id int PRIMARY KEY, role text, content text, label varchar(50), session_id int);\n"
        + "CREATE TABLE sessions (id int PRIMARY KEY);\n"

    /// One migration per rule that trips it, its safe form, and the statement line.
    static let cases: [(rule: String, tripping: String, safe: String)] = [
        ("index-not-concurrent", "CREATE INDEX m_role ON messages (role);",
         "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS m_role ON messages (role);"),
        ("concurrently-in-transaction", "CREATE INDEX CONCURRENTLY m_role ON messages (role);",
         "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY m_role ON messages (role);"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN label TYPE varchar(20);",
         "ALTER TABLE messages ALTER COLUMN label TYPE varchar(200);"),
        ("set-not-null", "ALTER TABLE messages ALTER COLUMN content SET NOT NULL;",
         "ALTER TABLE messages ADD CONSTRAINT content_nn CHECK (content IS NOT NULL) NOT VALID;"),
        ("constraint-not-valid", "ALTER TABLE messages ADD FOREIGN KEY (session_id) REFERENCES sessions (id);",
         "ALTER TABLE messages ADD FOREIGN KEY (session_id) REFERENCES sessions (id) NOT VALID;"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN token uuid DEFAULT gen_random_uuid();",
         "ALTER TABLE messages ADD COLUMN sent timestamptz DEFAULT now();"),
        ("vacuum-full-or-cluster", "-- dbctl:no-transaction\nVACUUM FULL messages;", "-- dbctl:no-transaction\nVACUUM (ANALYZE) messages;"),
        ("rename-read-by-code", "ALTER TABLE messages RENAME COLUMN role TO kind;", "ALTER TABLE messages RENAME COLUMN label TO tag;"),
        ("drop-read-by-code", "ALTER TABLE messages DROP COLUMN role;", "ALTER TABLE messages DROP COLUMN label;"),
    ]

    /// An app project (pgkit.json, a generated model of `messages` reading id, role, content)
    /// whose migrations are `base` then `files`.
    func appProject(_ files: [String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString)")
        let models = root.appendingPathComponent("Sources/App/Generated")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        try #"{"migrations": "migrations", "models": {"directory": "Sources/App/Generated", "module": "App"}}"#
            .write(to: root.appendingPathComponent("pgkit.json"), atomically: true, encoding: .utf8)
        try """
            public struct Message {
                public static let tableName = "messages"
                public static let columnNames = ["id", "role", "content"]
            }
            """.write(to: models.appendingPathComponent("Message.swift"), atomically: true, encoding: .utf8)
        for (index, sql) in ([Self.base] + files).enumerated() {
            try sql.write(to: root.appendingPathComponent(String(format: "migrations/%04d_m.up.sql", index + 1)), atomically: true, encoding: .utf8)
        }
        return root
    }

    func findings(_ run: CommandRun) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)\(run.errorOutput)")
        return try #require(report["findings"] as? [[String: Any]])
    }

    @Test func eachRuleTripsAndItsSafeFormPassesThroughTheBinary() async throws {
        let tripping = try appProject(Self.cases.map(\.tripping))
        let run = try await CommandRun.dbctl(["lint", "--all", "--strict", "--json"], in: tripping)
        #expect(run.status == 1)
        let found = try findings(run)
        #expect(found.map { $0["rule"] as? String } == Self.cases.map(\.rule))
        for (index, finding) in found.enumerated() {
            #expect(finding["file"] as? String == String(format: "%04d_m.up.sql", index + 2))
            #expect(finding["line"] as? Int == Self.cases[index].tripping.split(separator: "\n").count)
            #expect((finding["instead"] as? String)?.isEmpty == false)
        }
        let text = try await CommandRun.dbctl(["lint", "0002_m.up.sql", "migrations/0009_m.up.sql", "10"], in: tripping)
        #expect(text.status == 0, "without --strict findings are warnings")
        #expect(text.output.contains("warning: 0002_m.up.sql:1: [index-not-concurrent] CREATE INDEX on messages without CONCURRENTLY"))
        #expect(text.output.contains("0009_m.up.sql:1: [rename-read-by-code] RENAME COLUMN messages.role TO kind: messages.role is read by Sources/App/Generated/Message.swift"))
        #expect(text.output.contains("  instead: "))
        #expect(text.errorOutput.contains("3 lint findings in 3 migrations (--strict makes them errors)"))

        let safe = try await CommandRun.dbctl(["lint", "--all", "--strict"], in: try appProject(Self.cases.map(\.safe)))
        #expect(safe.status == 0, "\(safe.output)")
        #expect(safe.errorOutput.contains("no lint findings in 10 migrations"))
    }

    @Test func anIgnoreIsHonouredWithAReasonAndNotWithout() async throws {
        func ignoring(_ reason: String) -> [String] {
            Self.cases.map { item in
                var lines = item.tripping.split(separator: "\n").map(String.init)
                lines.insert("-- dbctl:lint-ignore \(item.rule)\(reason)", at: lines.count - 1)
                return lines.joined(separator: "\n")
            }
        }
        let honoured = try await CommandRun.dbctl(["lint", "--all", "--strict", "--json"], in: try appProject(ignoring(" messages has 40 rows")))
        #expect(honoured.status == 0)
        #expect(try findings(honoured).isEmpty)
        let bare = try await CommandRun.dbctl(["lint", "--all", "--strict", "--json"], in: try appProject(ignoring("")))
        #expect(bare.status == 1)
        let found = try findings(bare)
        #expect(found.map { $0["rule"] as? String } == Self.cases.map(\.rule))
        #expect(found.allSatisfy { ($0["message"] as? String)?.contains("is not honoured: it needs a reason") == true })
    }

    @Test func theChatRepositoriesColumnsCountAsReadInAnApp() async throws {
        let root = try appProject(["ALTER TABLE users DROP COLUMN email;"])
        try "CREATE TABLE users (id int, email text);\n".write(to: root.appendingPathComponent("migrations/0001_m.up.sql"), atomically: true, encoding: .utf8)
        let run = try await CommandRun.dbctl(["lint", "2"], in: root)
        #expect(run.output.contains("[drop-read-by-code] DROP COLUMN users.email: it is read by the chat repositories"), "\(run.output)")
    }

    @Test func deployWarnsAndAppliesButRefusesWithStrict() async throws {
        let project = try await Project(database: "lint_deploy")
        try project.write("0001_t.up.sql", "CREATE TABLE t (id int);")
        #expect(try await project.dbctl("deploy").status == 0)
        try project.write("0002_index.up.sql", "CREATE TABLE u (id int);\nCREATE INDEX t_id ON t (id);")
        let strict = try await project.dbctl("deploy", "--strict")
        #expect(strict.status == 1)
        #expect(strict.errorOutput.contains("error: 0002_index.up.sql:2: [index-not-concurrent]"))
        #expect(strict.errorOutput.contains("1 lint finding in the pending migrations (--strict); nothing was applied"))
        #expect(try await project.scalar("SELECT count(*) FROM dbctl_migrations") == 1)
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'u'") == 0)

        let pending = try await project.dbctl("lint")
        #expect(pending.status == 0)
        #expect(pending.output.contains("0002_index.up.sql:2: [index-not-concurrent]"))
        #expect(pending.errorOutput.contains("1 lint finding in 1 migration"))

        let warned = try await project.dbctl("deploy", "--json")
        #expect(warned.status == 0, "\(warned.errorOutput)")
        #expect(warned.errorOutput.contains("warning: 0002_index.up.sql:2: [index-not-concurrent]"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(warned.output.utf8)) as? [String: Any])
        #expect((report["lint_findings"] as? [[String: Any]])?.first?["rule"] as? String == "index-not-concurrent")
        #expect(try await project.scalar("SELECT count(*) FROM dbctl_migrations") == 2)
        let clean = try await project.dbctl("lint", "--strict")
        #expect(clean.status == 0)
        #expect(clean.errorOutput.contains("no pending migrations to check"))
    }

    @Test func migrateLintsBeforeTheShadowReplayAndStrictAppliesNothing() async throws {
        let project = try await Project(database: "lint_migrate")
        try project.write("0001_t.up.sql", "CREATE TABLE t (id int);")
        try project.write("0002_vacuum.up.sql", "-- dbctl:no-transaction\nVACUUM FULL t;")
        let strict = try await project.dbctl("migrate", "--strict")
        #expect(strict.status == 1)
        #expect(strict.errorOutput.contains("[vacuum-full-or-cluster]"))
        #expect(!strict.errorOutput.contains("shadow"), "nothing ran before the lint")
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 't'") == 0)
        let warned = try await project.dbctl("migrate")
        #expect(warned.status == 0, "\(warned.errorOutput)")
        #expect(warned.errorOutput.contains("warning: 0002_vacuum.up.sql:2: [vacuum-full-or-cluster]"))
    }

    @Test func lintExitCodesAndUsage() async throws {
        let root = try appProject([])
        let noDatabase = try await CommandRun.dbctl(["lint"], in: root)
        #expect(noDatabase.status == 1)
        #expect(noDatabase.errorOutput.contains("dbctl lint --all"))
        #expect(try await CommandRun.dbctl(["lint", "0099_nope.up.sql"], in: root).status == 2)
        #expect(try await CommandRun.dbctl(["lint", "--all", "1"], in: root).status == 2)
        let rules = try await CommandRun.dbctl(["lint", "--list-rules"], in: root)
        #expect(rules.status == 0)
        for item in Self.cases { #expect(rules.output.contains(item.rule)) }
    }

    @Test func aBadDirectiveStopsDeployBeforeAnythingRuns() async throws {
        let project = try await Project(database: "lint_directive")
        try project.write("0001_t.up.sql", "CREATE TABLE t (id int);")
        try project.write("0002_u.up.sql", "-- dbctl:lock-timeout 5000\nCREATE TABLE u (id int);")
        let run = try await project.dbctl("deploy")
        #expect(run.status == 1)
        #expect(run.errorOutput.contains("0002_u.up.sql:1: dbctl:lock-timeout takes a duration such as 10s"), "\(run.errorOutput)")
        #expect(try await project.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 't'") == 0, "not even 0001 ran")
    }
}
