@testable import PGKit
import Testing

@Suite struct SessionEffectsTests {
    /// Statements that cannot leave anything in the session: what the repositories, the
    /// benchmarks and ordinary app code run.
    @Test(arguments: [
        "SELECT id, email, name, created_at FROM bench_users WHERE id = $1",
        "INSERT INTO \"messages\" (\"session_id\", \"role\", \"content\") VALUES ($1, $2, $3) RETURNING \"id\", \"content\"",
        "INSERT INTO public.notes (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = $2",
        "UPDATE \"users\" SET \"name\" = $1 WHERE \"id\" = $2 RETURNING \"id\"",
        "DELETE FROM sessions WHERE expires_at < now()",
        "SELECT count(*) FROM users WHERE created_at > $1",
        "SELECT m.id, ts_rank(to_tsvector('english', m.content), query)::float8 AS rank FROM messages m, websearch_to_tsquery('english', $1) query",
        "SELECT id, 1 - (embedding <=> $1) AS score FROM memories ORDER BY embedding <=> $1 LIMIT 5",
        "SELECT CAST($1 AS numeric(10, 2)), $2::varchar(20), x::vector(3) FROM t AS a(x)",
        "WITH recent AS (SELECT * FROM messages WHERE created_at > now() - interval '1 day') SELECT count(*) FROM recent",
        "SELECT set_config($1, $2, true)",
        "BEGIN ISOLATION LEVEL SERIALIZABLE", "COMMIT", "ROLLBACK", "SAVEPOINT pgkit_savepoint_1", "",
        "SET LOCAL statement_timeout = '5s'", "SET TRANSACTION READ ONLY",
        "SELECT 'SET ROLE admin; set_config(''a'', ''b'', false)'",    // inside a string: nothing runs
        "SELECT $$ select set_config('a', 'b', false) $$",
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text REFERENCES other (id))",
        "CREATE TABLE IF NOT EXISTS reset_notes (id int PRIMARY KEY, body text)",
        "SELECT id, upper(body), count(*) OVER () FROM reset_notes WHERE id = ANY($1)",
        "SELECT pg_notify('chat', $1)", "SELECT pg_sleep(0.1)", "SELECT coalesce(max(version), 0) FROM dbctl_migrations",
    ])
    func statementsThatKeepNoSessionStateAreClean(_ sql: String) {
        #expect(SessionEffects.of(sql) == [], "\(sql)")
    }

    /// Every way the issue and PostgreSQL's DISCARD ALL list leave state behind.
    @Test(arguments: [
        "SELECT set_config('pgkit.user_id', 'x', false)",
        "select SET_CONFIG('pgkit.user_id', $1, false)",
        "SET ROLE admin", "SET search_path TO evil", "set session authorization bob", "RESET ALL",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "CREATE TEMP TABLE scratch (x int)", "CREATE TEMPORARY TABLE scratch AS SELECT 1", "SELECT 1 INTO TEMP t",
        "LISTEN chat", "SELECT pg_advisory_lock(1)", "SELECT pg_try_advisory_lock(1)",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1", "DO $$ BEGIN PERFORM set_config('a', 'b', false); END $$",
        "CALL my_procedure()", "SELECT my_login_function($1)", "SELECT \"MyFunction\"(1)", "SELECT public.f(1)",
        "SELECT setseed(0.5)", "SELECT nextval('s')", "LOAD 'auto_explain'",
        "SELECT 1; SET ROLE admin", "(SELECT 1); SELECT set_config('a', 'b', false)",
    ])
    func statementsThatMayLeaveSessionStateAreDirty(_ sql: String) {
        #expect(SessionEffects.of(sql).contains(.sessionState), "\(sql)")
    }

    @Test(arguments: ["PREPARE p AS SELECT 1", "DEALLOCATE ALL", "DISCARD ALL", "DEALLOCATE pgkit_1"])
    func sqlLevelPreparedStatementsAreReported(_ sql: String) {
        #expect(SessionEffects.of(sql) == [.sessionState, .preparedStatements])
    }

    @Test func theTokenizerSkipsCommentsStringsAndQuotedNames() {
        let tokens = Array(SQLTokenizer("/* a /* nested */ c */ SELECT E'it\\'s', \"Odd \"\"name\"\"\", $1, 1.5e3 -- tail\n;"))
        #expect(tokens == [.word("select"), .string, .symbol(0x2C), .quotedIdentifier("Odd \"name\""), .symbol(0x2C),
                           .parameter, .symbol(0x2C), .number, .symbol(0x3B)])
    }
}

@Suite struct SQLTokenizerPositionTests {
    @Test func eachTokenKnowsWhereItIs() {
        let sql = "ALTER TABLE \"Odd\" ADD x numeric(10, 2)"
        var tokenizer = SQLTokenizer(sql)
        var texts: [String] = []
        while tokenizer.next() != nil { texts.append(tokenizer.text(tokenizer.tokenRange)) }
        #expect(texts == ["ALTER", "TABLE", "\"Odd\"", "ADD", "x", "numeric", "(", "10", ",", "2", ")"])
    }

    @Test func lineCommentsAreKeptOnlyWhenAsked() {
        let sql = "-- first\nSELECT 1 /* block -- not a line comment */, 'a -- b' -- last\n"
        var keeping = SQLTokenizer(sql, keepingLineComments: true)
        while keeping.next() != nil {}
        #expect(keeping.lineComments.map { keeping.text($0) } == ["-- first", "-- last"])
        var plain = SQLTokenizer(sql)
        while plain.next() != nil {}
        #expect(plain.lineComments.isEmpty)
    }
}
