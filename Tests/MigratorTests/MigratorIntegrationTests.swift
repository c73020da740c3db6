import Foundation
@testable import Migrator
import PGKit
import PGKitTestSupport
import Testing

/// A migrations folder in a temporary directory, written by the test.
struct MigrationFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ file: String, _ sql: String) throws {
        try sql.write(to: url.appendingPathComponent(file), atomically: true, encoding: .utf8)
    }

    func remove(_ file: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(file)) }

    var directory: MigrationDirectory { MigrationDirectory(path: url.path) }
}

@Suite(.serialized) struct MigratorIntegrationTests {
    func freshDatabase(_ name: String) async throws -> PGConfig { try await TestDatabase.create("migrator_\(name)") }

    func tables(_ config: PGConfig) async throws -> [String] {
        let connection = try await PGConnection.connect(config)
        defer { Task { await connection.close() } }
        return try await connection.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            .map { try $0.decode(String.self, at: 0) }
    }

    @Test func appliesFromZeroThenDoesNothingTheSecondTime() async throws {
        let config = try await freshDatabase("zero")
        let folder = try MigrationFolder()
        try folder.write("0001_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);")
        try folder.write("0002_posts.up.sql", "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\nINSERT INTO users VALUES (1);")
        let migrator = Migrator(config: config, directory: folder.directory)
        #expect(try await migrator.plan().pending.map(\.version) == [1, 2])
        #expect(try await migrator.applyPending().map(\.version) == [1, 2])
        #expect(try await migrator.applyPending().isEmpty)
        #expect(try await migrator.plan().isUpToDate)
        #expect(try await tables(config) == ["dbctl_migrations", "posts", "users"])
        let connection = try await PGConnection.connect(config)
        let row = try #require(try await connection.query("SELECT name, checksum, applied_by, applied_from FROM dbctl_migrations WHERE version = 2").first)
        let (name, checksum, appliedBy, appliedFrom) = try row.decode((String, String, String, String).self)
        #expect(name == "posts")
        #expect(checksum.count == 64)
        #expect(appliedBy == config.user)
        #expect(appliedFrom.contains("@"))
        await connection.close()
    }

    @Test func aFailingMigrationLeavesNoTraceAndNamesFileAndLine() async throws {
        let config = try await freshDatabase("failing")
        let folder = try MigrationFolder()
        try folder.write("0001_ok.up.sql", "CREATE TABLE ok (id int);")
        try folder.write("0002_broken.up.sql", "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n\nINSERT INTO half\n  VALUES (nonsense_column);\nCREATE TABLE never (id int);")
        let migrator = Migrator(config: config, directory: folder.directory)
        do {
            try await migrator.applyPending()
            Issue.record("the broken migration must fail")
        } catch let MigratorError.migrationFailed(file, line, error, rolledBack) {
            #expect(file == "0002_broken.up.sql")
            #expect(line == 5)
            #expect(error.sqlState == .undefinedColumn)
            #expect(rolledBack)
        }
        #expect(try await tables(config) == ["dbctl_migrations", "ok"])
        #expect(try await migrator.plan().entries.map(\.status) == [.applied, .pending])
    }

    @Test func driftStopsDeploy() async throws {
        let config = try await freshDatabase("drift")
        let folder = try MigrationFolder()
        try folder.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try folder.write("0003_c.up.sql", "CREATE TABLE c (id int);")
        let migrator = Migrator(config: config, directory: folder.directory)
        try await migrator.applyPending()

        try folder.write("0001_a.up.sql", "CREATE TABLE a (id bigint);")
        try folder.write("0004_d.up.sql", "CREATE TABLE d (id int);")
        await #expect { try await migrator.applyPending() } throws: { error in
            guard case MigratorError.drift(let entries) = error else { return false }
            return entries.map(\.version) == [1] && "\(error)".contains("checksum")
        }
        try folder.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try folder.write("0002_b.up.sql", "CREATE TABLE b (id int);")
        await #expect { try await migrator.applyPending() } throws: { error in
            guard case MigratorError.drift(let entries) = error else { return false }
            return entries.map(\.status) == [.outOfOrder]
        }
        try folder.remove("0002_b.up.sql")
        try folder.remove("0003_c.up.sql")
        await #expect { try await migrator.applyPending() } throws: { error in
            guard case MigratorError.drift(let entries) = error else { return false }
            return entries.map(\.status) == [.missing] && entries[0].name == "c"
        }
        #expect(try await tables(config).contains("d") == false)
    }

    @Test func functionBodiesWithSemicolonsAndConcurrentIndexes() async throws {
        let config = try await freshDatabase("bodies")
        let folder = try MigrationFolder()
        try folder.write("0001_fn.up.sql", """
            CREATE TABLE items (id serial PRIMARY KEY, name text);
            CREATE FUNCTION touch() RETURNS trigger AS $$
            BEGIN
              NEW.name := coalesce(NEW.name, 'x;y');
              RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION touch();
            """)
        try folder.write("0002_index.up.sql", """
            -- dbctl:no-transaction
            CREATE INDEX CONCURRENTLY items_name ON items (name);
            CREATE INDEX CONCURRENTLY items_id_name ON items (id, name);
            """)
        try await Migrator(config: config, directory: folder.directory).applyPending()
        let connection = try await PGConnection.connect(config)
        #expect(try await connection.query("INSERT INTO items DEFAULT VALUES RETURNING name").scalar(String.self) == "x;y")
        #expect(try await connection.query("SELECT count(*) FROM pg_indexes WHERE tablename = 'items' AND indexname LIKE 'items_%name'").scalar(Int.self) == 2)
        await connection.close()
    }

    @Test func downThenUpAgain() async throws {
        let config = try await freshDatabase("down")
        let folder = try MigrationFolder()
        try folder.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try folder.write("0001_a.down.sql", "DROP TABLE a;")
        try folder.write("0002_b.up.sql", "CREATE TABLE b (id int);")
        try folder.write("0002_b.down.sql", "DROP TABLE b;")
        let migrator = Migrator(config: config, directory: folder.directory)
        try await migrator.applyPending()
        #expect(try await migrator.revert(steps: 2).map(\.version) == [2, 1])
        #expect(try await tables(config) == ["dbctl_migrations"])
        #expect(try await migrator.applyPending().count == 2)
        #expect(try await tables(config) == ["a", "b", "dbctl_migrations"])

        try folder.remove("0001_a.down.sql")
        await #expect { try await migrator.revert(steps: 2) } throws: { error in
            guard case MigratorError.downFileMissing(let version, _) = error else { return false }
            return version == 1
        }
        #expect(try await tables(config) == ["a", "b", "dbctl_migrations"], "nothing reverted when a down file is missing")
    }

    @Test func resetDropsEverythingAndReapplies() async throws {
        let config = try await freshDatabase("reset")
        let folder = try MigrationFolder()
        try folder.write("0001_a.up.sql", "CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE a (id int, v vector(3));")
        let migrator = Migrator(config: config, directory: folder.directory)
        try await migrator.applyPending()
        let connection = try await PGConnection.connect(config)
        try await connection.executeScript("INSERT INTO a VALUES (1, '[1,2,3]'); CREATE SCHEMA extra; CREATE TABLE extra.t (x int)")
        await connection.close()
        try await migrator.dropEverything()
        #expect(try await tables(config).isEmpty)
        try await migrator.applyPending()
        let again = try await PGConnection.connect(config)
        #expect(try await again.query("SELECT count(*) FROM a").scalar(Int.self) == 0)
        #expect(try await again.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'extra'").scalar(Int.self) == 0)
        await again.close()
    }

    @Test func theShadowReplayCatchesAMigrationThatOnlyWorksOnTheDevDatabase() async throws {
        let config = try await freshDatabase("shadow")
        let folder = try MigrationFolder()
        try folder.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        let migrator = Migrator(config: config, directory: folder.directory)
        try await migrator.verifyReplayOnShadowDatabase()
        // Someone created a table by hand on the dev database, and a migration relies on it.
        let connection = try await PGConnection.connect(config)
        try await connection.executeScript("CREATE TABLE handmade (id int)")
        await connection.close()
        try folder.write("0002_b.up.sql", "ALTER TABLE handmade ADD COLUMN note text;")
        await #expect(throws: MigratorError.self) { try await migrator.verifyReplayOnShadowDatabase() }
        // Only this process's shadow databases (named after its pid): the dbctl processes other
        // suites run against the same server make their own meanwhile (a full run failed so).
        let admin = try await PGConnection.connect(config)
        let ours = "dbctl_shadow_\(getpid())_"
        #expect(try await admin.query("SELECT count(*) FROM pg_database WHERE starts_with(datname, \(ours))").scalar(Int.self) == 0)
        await admin.close()
    }
}
