@testable import Migrator
import Testing

/// The lint without a database: each rule on a migration that trips it, on its safe form, and
/// with an ignore comment (honoured with a reason, not without one); then how comments attach
/// to statements, and what the recognizer does not see.
@Suite struct MigrationLintTests {
    /// What earlier migrations made: the schema the rules read column types and functions from.
    static let history = """
        CREATE TABLE messages (id uuid PRIMARY KEY, role text NOT NULL, content text, label varchar(50),
                               amount numeric(10, 2), session_id uuid, network cidr);
        CREATE TABLE sessions (id uuid PRIMARY KEY);
        CREATE FUNCTION stable_fn() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql STABLE;
        CREATE FUNCTION volatile_fn() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;
        """

    static var codeReads: CodeReadSchema {
        var reads = CodeReadSchema()
        reads.add(table: "messages", columns: ["id", "role", "content"], readBy: "Sources/App/Generated/Message.swift")
        return reads
    }

    /// The findings in the last of `files` (the others are applied history, after `history`).
    func lint(_ files: String...) -> [LintFinding] {
        let migrations = ([Self.history] + files).enumerated().map { index, sql in
            Migration(version: Int64(index + 1), name: "m\(index + 1)", upSQL: sql)
        }
        return MigrationLinter(codeReads: Self.codeReads).lint(migrations, targets: [Int64(files.count + 1)])
    }

    func rules(_ files: String...) -> [String] {
        let migrations = ([Self.history] + files).enumerated().map { Migration(version: Int64($0.offset + 1), name: "m", upSQL: $0.element) }
        return MigrationLinter(codeReads: Self.codeReads).lint(migrations, targets: [Int64(files.count + 1)]).map(\.rule)
    }

    // MARK: Each rule: tripped, safe, ignored

    static let tripping: [(rule: String, sql: String)] = [
        ("index-not-concurrent", "CREATE INDEX messages_role ON messages (role);"),
        ("index-not-concurrent", "CREATE UNIQUE INDEX IF NOT EXISTS messages_role ON ONLY public.messages USING btree (role);"),
        ("concurrently-in-transaction", "CREATE INDEX CONCURRENTLY messages_role ON messages (role);"),
        ("concurrently-in-transaction", "DROP INDEX CONCURRENTLY messages_role;"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN label TYPE varchar(20);"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN content SET DATA TYPE character varying(100);"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER amount TYPE numeric(10, 3);"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN label TYPE text USING trim(label);"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN session_id TYPE text;"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN not_in_migrations TYPE text;"),
        ("set-not-null", "ALTER TABLE messages ALTER COLUMN content SET NOT NULL;"),
        ("constraint-not-valid", "ALTER TABLE messages ADD CONSTRAINT messages_session FOREIGN KEY (session_id) REFERENCES sessions (id);"),
        ("constraint-not-valid", "ALTER TABLE messages ADD CHECK (length(content) < 100000);"),
        ("constraint-not-valid", "ALTER TABLE messages ADD COLUMN parent uuid REFERENCES sessions (id);"),
        ("constraint-not-valid", "ALTER TABLE messages ADD COLUMN score int CHECK (score > 0);"),
        ("constraint-not-valid", "ALTER TABLE messages ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE messages VALIDATE CONSTRAINT c;"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN token uuid DEFAULT gen_random_uuid();"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN seen timestamptz NOT NULL DEFAULT clock_timestamp();"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN roll float8 DEFAULT random() * 10;"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN n int DEFAULT volatile_fn();"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN n int DEFAULT public.made_elsewhere();"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN n bigserial;"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN size int GENERATED ALWAYS AS (length(content)) STORED;"),
        ("vacuum-full-or-cluster", "VACUUM FULL messages;"),
        ("vacuum-full-or-cluster", "VACUUM (VERBOSE, FULL) messages;"),
        ("vacuum-full-or-cluster", "CLUSTER messages USING messages_pkey;"),
        ("rename-read-by-code", "ALTER TABLE messages RENAME COLUMN role TO kind;"),
        ("rename-read-by-code", "ALTER TABLE messages RENAME TO notes;"),
        ("drop-read-by-code", "ALTER TABLE messages DROP COLUMN role;"),
        ("drop-read-by-code", "ALTER TABLE IF EXISTS messages DROP COLUMN IF EXISTS content CASCADE;"),
        ("drop-read-by-code", "DROP TABLE IF EXISTS sessions, messages CASCADE;"),
    ]

    @Test(arguments: tripping)
    func eachRuleFindsWhatItIsFor(_ rule: String, _ sql: String) throws {
        let findings = lint(sql)
        #expect(findings.map(\.rule) == [rule], "\(findings)")
        let finding = try #require(findings.first)
        #expect(finding.file == "0002_m2.up.sql" && finding.line == sql.split(separator: "\n").count)
        #expect(!finding.instead.isEmpty)
    }

    static let safe: [(rule: String, sql: String)] = [
        ("index-not-concurrent", "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS messages_role ON messages (role);"),
        ("index-not-concurrent", "CREATE TABLE tags (id int, message_id uuid);\nCREATE INDEX tags_message_id ON tags (message_id);"),
        ("concurrently-in-transaction", "-- dbctl:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS messages_role;"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN label TYPE varchar(100), ALTER COLUMN amount TYPE numeric(12,2);"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN label TYPE text;\nALTER TABLE messages ALTER COLUMN content TYPE varchar;"),
        ("column-type-rewrite", "ALTER TABLE messages ALTER COLUMN amount TYPE numeric, ALTER COLUMN network TYPE inet;"),
        ("column-type-rewrite", "ALTER TABLE messages RENAME COLUMN label TO tag;\nALTER TABLE messages ALTER COLUMN tag TYPE varchar(60);"),
        ("column-type-rewrite", "ALTER TABLE messages ADD COLUMN note varchar(10);\nALTER TABLE messages ALTER COLUMN note TYPE varchar(20);"),
        ("set-not-null", "ALTER TABLE messages ADD CONSTRAINT content_nn CHECK ((content IS NOT NULL)) NOT VALID;"),
        ("constraint-not-valid", "ALTER TABLE messages ADD CONSTRAINT messages_session FOREIGN KEY (session_id) REFERENCES sessions (id) NOT VALID;"),
        ("constraint-not-valid", "ALTER TABLE messages ADD COLUMN parent uuid;"),
        ("constraint-not-valid", "CREATE TABLE tags (id int);\nALTER TABLE tags ADD CONSTRAINT positive CHECK (id > 0);"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN seen timestamptz NOT NULL DEFAULT now(), ADD COLUMN hidden boolean DEFAULT false;"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN n int DEFAULT stable_fn(), ADD COLUMN t text DEFAULT lower('A');"),
        ("volatile-default", "ALTER TABLE messages ADD COLUMN price numeric(10,2) DEFAULT '1.5'::numeric(10,2), ADD COLUMN at date DEFAULT CURRENT_DATE;"),
        ("volatile-default", "ALTER TABLE messages ALTER COLUMN id SET DEFAULT gen_random_uuid();"),
        ("vacuum-full-or-cluster", "-- dbctl:no-transaction\nVACUUM (ANALYZE) messages;\nVACUUM (FULL false) messages;\nVACUUM messages;"),
        ("rename-read-by-code", "ALTER TABLE messages RENAME COLUMN label TO tag;\nALTER TABLE sessions RENAME TO chats;"),
        ("drop-read-by-code", "ALTER TABLE messages DROP COLUMN IF EXISTS label;\nDROP TABLE sessions;"),
        ("drop-read-by-code", "CREATE TABLE messages_v2 (id int);\nALTER TABLE messages_v2 DROP COLUMN id;"),
    ]

    @Test(arguments: safe)
    func theSafeFormsPass(_ rule: String, _ sql: String) {
        #expect(lint(sql).isEmpty, "\(rule): \(lint(sql))")
    }

    @Test func setNotNullPassesAfterACheckValidatedInAnEarlierMigration() {
        let add = "ALTER TABLE messages ADD CONSTRAINT content_nn CHECK (content IS NOT NULL) NOT VALID;"
        let validate = "ALTER TABLE messages VALIDATE CONSTRAINT content_nn;"
        let setNotNull = "ALTER TABLE messages ALTER COLUMN content SET NOT NULL, DROP CONSTRAINT content_nn;"
        #expect(lint(add, validate, setNotNull).isEmpty)
        #expect(lint(add, setNotNull).map(\.rule) == ["set-not-null"], "a check that is NOT VALID proves nothing yet")
        #expect(lint(add, validate, "ALTER TABLE messages DROP CONSTRAINT content_nn;", setNotNull).map(\.rule) == ["set-not-null"])
        #expect(lint(validate).isEmpty, "validating in a later migration is the safe form")
    }

    @Test(arguments: tripping)
    func anIgnoreWithAReasonSilencesItsRule(_ rule: String, _ sql: String) {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        let ignored = (lines.dropLast() + ["-- dbctl:lint-ignore \(rule) the table holds 40 rows", lines.last!]).joined(separator: "\n")
        #expect(lint(ignored).isEmpty, "\(lint(ignored))")
    }

    @Test(arguments: tripping)
    func anIgnoreWithoutAReasonIsNotHonoured(_ rule: String, _ sql: String) throws {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        let ignored = (lines.dropLast() + ["-- dbctl:lint-ignore \(rule)", lines.last!]).joined(separator: "\n")
        let findings = lint(ignored)
        #expect(findings.map(\.rule) == [rule])
        #expect(try #require(findings.first).message.contains("is not honoured: it needs a reason"))
    }

    // MARK: Where comments apply

    @Test func anIgnoreAtTheEndOfAStatementsLastLineIsAboutThatStatement() {
        #expect(lint("CREATE INDEX a ON messages (role); -- dbctl:lint-ignore index-not-concurrent 40 rows").isEmpty)
        #expect(lint("CREATE INDEX a ON messages (role); -- dbctl:lint-ignore index-not-concurrent 40 rows\nCREATE INDEX b ON messages (content);")
                    .map(\.line) == [2])
        #expect(lint("VACUUM FULL messages;\nCREATE INDEX a ON messages (role); -- dbctl:lint-ignore index-not-concurrent tiny\nSELECT 1;").map(\.rule)
                == ["vacuum-full-or-cluster"])
    }

    @Test func anIgnoreInsideAStatementCoversItAndFindingsNameTheActionsLine() {
        let sql = "ALTER TABLE messages\n    ADD COLUMN token uuid DEFAULT gen_random_uuid(),\n    -- dbctl:lint-ignore column-type-rewrite reviewed\n    ALTER COLUMN label TYPE varchar(10);"
        let findings = lint(sql)
        #expect(findings.map(\.rule) == ["volatile-default"])
        #expect(findings.map(\.line) == [2])
    }

    @Test func anIgnoreSilencesOnlyItsRuleAndOnlyItsStatement() {
        let sql = "-- dbctl:lint-ignore index-not-concurrent tiny\nVACUUM FULL messages;\nCREATE INDEX a ON messages (role);"
        #expect(lint(sql).map(\.rule) == ["vacuum-full-or-cluster", "directive", "index-not-concurrent"])
        #expect(lint(sql)[1].message.contains("silences nothing"))
    }

    @Test func directivesThatDoNothingAreFindings() {
        let findings = lint("CREATE TABLE x (id int);\n-- dbctl:lock-timeout 5s\n-- dbctl:lint-ignore no-such-rule why\n-- dbctl:frobnicate\nSELECT 1;\n-- dbctl:lint-ignore index-not-concurrent at the end")
        #expect(findings.map(\.rule) == ["directive", "directive", "directive", "directive"])
        #expect(findings.map(\.line) == [2, 3, 4, 6])
        #expect(findings[0].message.contains("belongs in the comment lines at the top"))
        #expect(findings[1].message.contains("not no-such-rule"))
        #expect(findings[2].message.contains("unknown directive dbctl:frobnicate"))
        #expect(findings[3].message.contains("not before or on a statement"))
        #expect(lint("-- dbctl:lock-timeout soon\nSELECT 1;").first?.message.contains("takes a duration") == true)
    }

    // MARK: What the recognizer sees and does not see

    @Test func sqlInsideStringsIsNotSeen() {
        #expect(lint("DO $$ BEGIN EXECUTE 'CREATE INDEX a ON messages (role)'; END $$;").isEmpty)
        #expect(lint("CREATE FUNCTION f() RETURNS void AS $$ ALTER TABLE messages DROP COLUMN role $$ LANGUAGE sql;").isEmpty)
        #expect(lint("COMMENT ON TABLE messages IS 'VACUUM FULL messages';").isEmpty)
    }

    @Test func quotedAndQualifiedNamesAreTheTablesTheyName() {
        #expect(rules("ALTER TABLE public.\"messages\" DROP COLUMN \"role\";") == ["drop-read-by-code"])
        #expect(rules("ALTER TABLE \"Messages\" DROP COLUMN role;").isEmpty, "\"Messages\" is another table")
    }

    @Test func onlyTheTargetMigrationsAreReported() {
        let migrations = [Migration(version: 1, name: "old", upSQL: "CREATE TABLE t (x int);"),
                          Migration(version: 2, name: "applied", upSQL: "CREATE INDEX a ON t (x);"),
                          Migration(version: 3, name: "pending", upSQL: "VACUUM FULL t;")]
        #expect(MigrationLinter().lint(migrations, targets: [3]).map(\.file) == ["0003_pending.up.sql"])
        #expect(MigrationLinter().lint(migrations, targets: []).isEmpty)
    }

    @Test func everyRuleHasAUniqueNameASummaryAndASafeForm() {
        #expect(Set(LintRule.all.map(\.id)).count == LintRule.all.count)
        #expect(Set(Self.tripping.map(\.rule)) == Set(LintRule.all.map(\.id)), "every rule is tested")
        #expect(LintRule.all.allSatisfy { !$0.summary.isEmpty && !$0.safeAlternative.isEmpty })
    }
}

@Suite struct ColumnTypeTests {
    func type(_ sql: String) -> ColumnType? {
        let statement = LintStatement(sql)
        return ColumnType(statement, 0..<statement.count)
    }

    @Test func namesAreReducedToPostgreSQLsOwn() {
        #expect(type("character varying(100)") == ColumnType(name: "varchar", modifiers: [100]))
        #expect(type("timestamp(3) with time zone") == ColumnType(name: "timestamptz", modifiers: [3]))
        #expect(type("double precision") == ColumnType(name: "float8"))
        #expect(type("pg_catalog.int4[]") == ColumnType(name: "int4", arrayDepth: 1))
        #expect(type("DECIMAL(10, 2)") == ColumnType(name: "numeric", modifiers: [10, 2]))
        #expect(type("integer ARRAY") == ColumnType(name: "int4", arrayDepth: 1))
        #expect(type("'x'") == nil)
    }

    @Test(arguments: [
        ("varchar(10)", "varchar(20)", true), ("varchar(20)", "varchar(10)", false), ("varchar(10)", "varchar", true),
        ("varchar", "varchar(10)", false), ("varchar(10)", "text", true), ("text", "varchar", true), ("text", "varchar(10)", false),
        ("numeric(10,2)", "numeric(12,2)", true), ("numeric(10,2)", "numeric(12,3)", false), ("numeric(10,2)", "numeric", true),
        ("numeric", "numeric(10,2)", false), ("numeric(10)", "numeric(11, 0)", true), ("varbit(4)", "bit varying(8)", true),
        ("cidr", "inet", true), ("inet", "cidr", false), ("int", "bigint", false), ("timestamp", "timestamptz", false),
        ("text", "text", true), ("varchar(10)[]", "text[]", false), ("bpchar(5)", "bpchar(10)", false),
    ])
    func changesThatDoNotRewriteAreTheBinaryCoercibleOnes(_ from: String, _ to: String, _ inPlace: Bool) throws {
        #expect(try #require(type(from)).changeAvoidsRewrite(to: try #require(type(to))) == inPlace)
    }
}
