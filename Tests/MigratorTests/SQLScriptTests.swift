@testable import Migrator
import PGKit
import Testing

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsAndRecordsStartLines() {
        let script = SQLScript("CREATE TABLE a (x int);\n\n-- comment; with semicolon\nINSERT INTO a VALUES (1);\nSELECT 1")
        #expect(script.statements.map(\.sql) == ["CREATE TABLE a (x int)", "-- comment; with semicolon\nINSERT INTO a VALUES (1)", "SELECT 1"])
        #expect(script.statements.map(\.line) == [1, 4, 5])
    }

    @Test func keepsDollarQuotedBodiesWhole() {
        let sql = """
            CREATE FUNCTION f() RETURNS int AS $$
            BEGIN
              PERFORM 1; RETURN 2;
            END;
            $$ LANGUAGE plpgsql;
            CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'a;b' $body$ LANGUAGE sql;
            SELECT $1;
            """
        let statements = SQLScript(sql).statements
        #expect(statements.count == 3)
        #expect(statements[0].sql.hasSuffix("$$ LANGUAGE plpgsql"))
        #expect(statements[1].sql.contains("$body$ SELECT 'a;b' $body$"))
        #expect(statements[1].line == 6)
    }

    @Test func ignoresSemicolonsInStringsIdentifiersAndComments() {
        let sql = "INSERT INTO t VALUES ('a;''b', E'c\\';d');\nCREATE TABLE \"we;ird\" (x int);\n/* block; /* nested; */ still; */ SELECT 1;"
        let statements = SQLScript(sql).statements
        #expect(statements.count == 3)
        #expect(statements[0].sql == "INSERT INTO t VALUES ('a;''b', E'c\\';d')")
        #expect(statements[1].sql == "CREATE TABLE \"we;ird\" (x int)")
        #expect(statements[2].sql.hasSuffix("SELECT 1"))
    }

    @Test func keepsBeginAtomicBodiesWhole() {
        let sql = "CREATE FUNCTION h(x int) RETURNS int BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END;\nSELECT 3;"
        let statements = SQLScript(sql).statements
        #expect(statements.count == 2)
        #expect(statements[0].sql.hasSuffix("SELECT 2; END"))
    }

    @Test func commentOnlyFilesHaveNoStatements() {
        #expect(SQLScript("-- nothing here\n/* or here */\n").statements.isEmpty)
        #expect(!SQLScript("-- nothing here\n/* or here; */\n;;\n").hasStatements)
        #expect(SQLScript("-- a comment\nSELECT 1").hasStatements)
    }

    @Test func aStatementAfterABlockCommentStartsOnItsFirstTokenLine() {
        let statements = SQLScript("SELECT 1;\n/* header\n   comment */\nSELECT\n  2;").statements
        #expect(statements.map(\.sql) == ["SELECT 1", "/* header\n   comment */\nSELECT\n  2"], "comments before a statement reach the server (hints)")
        #expect(statements.map(\.line) == [1, 4])
        #expect(statements.map(\.textLine) == [1, 2])
    }

    @Test func aServerErrorPositionMapsToTheFileLineAfterLeadingComments() {
        let sql = "CREATE TABLE a (id int);\n-- the next statement fails on its second line\nSELECT *\nFROM nowhere;"
        let statement = SQLScript(sql).statements[1]
        var error = PGError(.server, "relation \"nowhere\" does not exist")
        error.position = statement.sql.distance(from: statement.sql.startIndex, to: statement.sql.range(of: "nowhere")!.lowerBound) + 1
        #expect(Migrator.line(of: error, in: statement) == 4)
        // Positions count code points: a combining accent is one, although Swift sees one character.
        let accented = SQLScript("SELECT 'e\u{301}',\n  missing;").statements[0]
        error.position = Array(accented.sql.unicodeScalars).firstIndex(of: "m")! + 1
        #expect(Migrator.line(of: error, in: accented) == 2)
    }

    @Test func iteratingYieldsTheSameStatementsAsTheArray() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $fn$ LANGUAGE sql;\nINSERT INTO t VALUES ('é;ü', E'\\';'); SELECT \"ŝ;\" FROM t\n"
        let script = SQLScript(sql)
        #expect(Array(script) == script.statements)
        #expect(script.statements.map(\.sql) == ["CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; $fn$ LANGUAGE sql",
                                                 "INSERT INTO t VALUES ('é;ü', E'\\';')", "SELECT \"ŝ;\" FROM t"])
        #expect(script.statements.map(\.line) == [1, 2, 2])
    }

    @Test func identifiersMayHoldDollarsAndNonASCIILetters() {
        let statements = SQLScript("SELECT a$b, $1, ñ$$x FROM t; SELECT 2").statements
        #expect(statements.count == 2, "a$b and ñ$$x are identifiers, not dollar quotes")
    }
}

@Suite struct SHA256Tests {
    @Test func matchesTheStandardTestVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func lengthsAroundTheBlockBoundaryMatchPythonsHashlib() {
        let expected: [Int: String] = [
            55: "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b",
            56: "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27",
            63: "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055",
            64: "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241",
            65: "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e",
            119: "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e",
            128: "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6",
        ]
        for (length, digest) in expected {
            let bytes = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
            #expect(SHA256.hex(bytes) == digest, "\(length) bytes")
            #expect(SHA256.hex(bytes.lazy.map { $0 }) == digest, "\(length) bytes, not contiguous")
        }
    }
}

@Suite struct MigrationPlanTests {
    func migration(_ version: Int64, _ sql: String = "SELECT 1") -> Migration {
        Migration(version: version, name: "m\(version)", upSQL: sql)
    }

    func record(_ migration: Migration, checksum: String? = nil) -> MigrationRecord {
        MigrationRecord(version: migration.version, name: migration.name, checksum: checksum ?? migration.checksum,
                        appliedAt: .init(), executionMilliseconds: 1, appliedBy: "me", appliedFrom: "here")
    }

    @Test func classifiesAppliedPendingChangedMissingAndOutOfOrder() {
        let one = migration(1), two = migration(2), three = migration(3), five = migration(5)
        let plan = MigrationPlan(
            migrations: [one, two, three, five],
            applied: [record(one), record(two, checksum: "edited"), record(migration(4)), record(five)])
        #expect(plan.entries.map(\.status) == [.applied, .changed, .outOfOrder, .missing, .applied])
        #expect(plan.drift.map(\.version) == [2, 3, 4])
        #expect(plan.pending.isEmpty)
        #expect(!plan.isUpToDate)
    }

    @Test func pendingMigrationsAreInVersionOrder() {
        let plan = MigrationPlan(migrations: [migration(1), migration(2), migration(10)], applied: [record(migration(1))])
        #expect(plan.pending.map(\.version) == [2, 10])
        #expect(plan.drift.isEmpty)
    }

    @Test func fileNamesFollowTheScheme() {
        #expect(MigrationDirectory.parseFileName("0007_add_index.up.sql")! == (7, "add_index", true))
        #expect(MigrationDirectory.parseFileName("0007_add_index.down.sql")! == (7, "add_index", false))
        #expect(MigrationDirectory.parseFileName("add_index.up.sql") == nil)
        #expect(MigrationDirectory.parseFileName("00x7_a.up.sql") == nil)
        #expect(MigrationDirectory.parseFileName("0007_.up.sql") == nil)
    }

    @Test func noTransactionMarkerIsTheFirstLine() {
        #expect(migration(1, "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);").runsOutsideTransaction)
        #expect(!migration(1, "SELECT 1;\n-- dbctl:no-transaction").runsOutsideTransaction)
    }
}
