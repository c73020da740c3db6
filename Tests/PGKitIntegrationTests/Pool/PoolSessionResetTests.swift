import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// A connection handed out by the pool carries nothing from its previous user: settings, role,
/// temporary tables, SQL-level prepared statements, cursors, advisory locks, LISTENs.
@Suite struct PoolSessionResetTests {
    static let database = SuiteDatabase("pool_session_reset")

    func onePool() async throws -> PGPool {
        PGPool(config: try await Self.database.configuration(), configuration: .init(maxConnections: 1))
    }

    @Test func everyKindOfSessionStateIsGoneAtTheNextLease() async throws {
        let pool = try await onePool()
        let admin = try await Self.database.connect()
        try await admin.executeScript("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgkit_reset_probe') THEN CREATE ROLE pgkit_reset_probe; END IF;
            END $$;
            """)
        await admin.close()
        // A statement PGKit prepared before the lease that deallocates everything.
        #expect(try await pool.query("SELECT 41 + \(1)").scalar(Int.self) == 42)
        let (firstPID, held): (Int32, Bool) = try await pool.withConnection { conn in
            let pid = try await conn.query("SELECT pg_backend_pid()").scalar(Int32.self)!
            try await conn.query("SELECT set_config('app.secret', 'leaked', false)")
            try await conn.executeScript("""
                SET search_path TO pg_catalog;
                SET statement_timeout = '17s';
                CREATE TEMP TABLE scratch (x int);
                INSERT INTO scratch VALUES (1);
                PREPARE mine AS SELECT 1;
                DECLARE held CURSOR WITH HOLD FOR SELECT 1;
                LISTEN pgkit_reset_channel;
                SET ROLE pgkit_reset_probe;
                """)
            try await conn.query("SELECT pg_advisory_lock(424242)")
            #expect(conn.mayHaveSessionState)
            return (pid, try await conn.query("SELECT current_user = 'pgkit_reset_probe'").scalar(Bool.self)!)
        }
        #expect(held)
        let seen = try await pool.withConnection { conn in
            (
                pid: try await conn.query("SELECT pg_backend_pid()").scalar(Int32.self)!,
                secret: try await conn.query("SELECT coalesce(current_setting('app.secret', true), '')").scalar(String.self)!,
                role: try await conn.query("SELECT current_user::text = session_user::text").scalar(Bool.self)!,
                searchPath: try await conn.query("SELECT current_setting('search_path')").scalar(String.self)!,
                timeout: try await conn.query("SELECT current_setting('statement_timeout')").scalar(String.self)!,
                temp: try await conn.query("SELECT to_regclass('pg_temp.scratch') IS NULL").scalar(Bool.self)!,
                prepared: try await conn.query("SELECT count(*) FROM pg_prepared_statements WHERE from_sql").scalar(Int.self)!,
                cursors: try await conn.query("SELECT count(*) FROM pg_cursors WHERE name <> ''").scalar(Int.self)!,
                listens: try await conn.query("SELECT count(*) FROM pg_listening_channels()").scalar(Int.self)!,
                locks: try await conn.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()").scalar(Int.self)!
            )
        }
        #expect(seen.pid == firstPID, "the same connection, reset rather than replaced")
        #expect(seen.secret == "")
        #expect(seen.role)
        #expect(seen.searchPath == "\"$user\", public")
        #expect(seen.timeout == "0")
        #expect(seen.temp)
        #expect(seen.prepared == 0)
        #expect(seen.cursors == 0)
        #expect(seen.listens == 0)
        #expect(seen.locks == 0)
        // PGKit's own statements were deallocated with the SQL ones and are prepared again.
        #expect(try await pool.query("SELECT 41 + \(1)").scalar(Int.self) == 42)
        await pool.shutdown()
    }

    @Test func aLeaseOfOrdinaryStatementsCostsNoReset() async throws {
        let pool = try await onePool()
        try await pool.withConnection { conn in
            try await conn.execute("CREATE TABLE IF NOT EXISTS reset_notes (id int PRIMARY KEY, body text)")
            try await conn.execute("INSERT INTO reset_notes (id, body) VALUES (\(1), \("a")) ON CONFLICT (id) DO UPDATE SET body = \("b")")
            _ = try await conn.query("SELECT id, upper(body), count(*) OVER () FROM reset_notes WHERE id = ANY(\([Int32(1), 2]))")
            try await conn.transaction(.init(settings: ["statement_timeout": "5s"])) { tx in
                _ = try await tx.query("SELECT current_setting('statement_timeout')")
            }
            #expect(!conn.mayHaveSessionState)
        }
        await pool.shutdown()
    }

    @Test func aSettingMadeInsideATransactionAtSessionLevelDoesNotSurviveIt() async throws {
        let pool = try await onePool()
        try await pool.transaction { tx in
            _ = try await tx.query("SELECT set_config('pgkit.user_id', \(UUID().uuidString), false)")
        }
        let value = try await pool.query("SELECT coalesce(current_setting('pgkit.user_id', true), '')").scalar(String.self)
        #expect(value == "")
        await pool.shutdown()
    }
}
