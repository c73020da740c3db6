import Foundation
import PGKit
import PGKitTestSupport
import Synchronization
import Testing

/// What a caller is told when the server goes away mid-transaction, as in a failover: the
/// backend terminates itself (`pg_terminate_backend(pg_backend_pid())`) before or during COMMIT.
@Suite struct LostConnectionTests {
    static let database = SuiteDatabase("lost_connections")

    /// A table whose deferred constraint trigger terminates the backend at COMMIT when a row's
    /// note is 'die at commit', and whose row trigger terminates it on insert of 'die now'.
    func prepare(_ table: String) async throws -> PGConfig {
        let config = try await Self.database.configuration()
        try await PGConnection.withConnection(config) { conn in
            try await conn.executeScript("""
                DROP TABLE IF EXISTS \(table);
                CREATE TABLE \(table) (id serial PRIMARY KEY, note text);
                CREATE OR REPLACE FUNCTION terminate_self_\(table)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.note = TG_ARGV[0] THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF;
                    RETURN NEW;
                END $$;
                CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON \(table) DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW EXECUTE FUNCTION terminate_self_\(table)('die at commit');
                CREATE TRIGGER on_insert BEFORE INSERT ON \(table) FOR EACH ROW EXECUTE FUNCTION terminate_self_\(table)('die now');
                """)
        }
        return config
    }

    func count(_ config: PGConfig, _ table: String) async throws -> Int {
        try await PGConnection.withConnection(config) { try await $0.query("SELECT count(*) FROM \(identifier: table)").scalar(Int.self) ?? -1 }
    }

    @Test func aConnectionLostAtCommitIsOutcomeUnknownAndNeverRetried() async throws {
        let config = try await prepare("lost_at_commit")
        let pool = PGPool(config: config, configuration: .init(maxConnections: 2))
        let attempts = Atomic<Int>(0)
        do {
            try await pool.transaction(.init(retry: .attempts(3))) { tx in
                attempts.add(1, ordering: .relaxed)
                try await tx.execute("INSERT INTO lost_at_commit (note) VALUES ('die at commit')")
            }
            Issue.record("the COMMIT's connection was lost")
        } catch let error as PGError {
            #expect(error.kind == .outcomeUnknown, "\(error)")
            #expect(error.isConnectionError)
            #expect(error.description.hasPrefix("outcome unknown:"), "\(error)")
        }
        #expect(attempts.load(ordering: .relaxed) == 1, "an outcome-unknown transaction is never rerun")
        #expect(try await count(config, "lost_at_commit") == 0)
        // The pool replaced the broken connection.
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }

    @Test func aConnectionLostBeforeCommitIsRetriedOnANewConnectionExactlyOnce() async throws {
        let config = try await prepare("lost_before_commit")
        let pool = PGPool(config: config, configuration: .init(maxConnections: 2))
        let attempts = Atomic<Int>(0)
        let backends = Mutex<[Int32]>([])
        try await pool.transaction(.init(retry: .attempts(3))) { tx in
            let attempt = attempts.add(1, ordering: .relaxed).newValue
            backends.withLock { $0.append(tx.backendPID) }
            try await tx.execute("INSERT INTO lost_before_commit (note) VALUES ('kept')")
            if attempt == 1 { try await tx.execute("INSERT INTO lost_before_commit (note) VALUES ('die now')") }
        }
        #expect(attempts.load(ordering: .relaxed) == 2)
        let pids = backends.withLock { $0 }
        #expect(pids.count == 2 && pids[0] != pids[1], "the rerun used a new connection")
        #expect(try await count(config, "lost_before_commit") == 1, "the first attempt committed nothing, the second once")

        // Without connection-loss retries (or attempts), the caller gets the plain error.
        let noRetry = Atomic<Int>(0)
        do {
            try await pool.transaction(.init(retry: .attempts(3, afterConnectionLoss: false))) { tx in
                noRetry.add(1, ordering: .relaxed)
                try await tx.execute("INSERT INTO lost_before_commit (note) VALUES ('die now')")
            }
            Issue.record("the connection was lost")
        } catch let error as PGError {
            #expect(error.kind == .connectionLost, "\(error)")
        }
        #expect(noRetry.load(ordering: .relaxed) == 1)
        await pool.shutdown()
    }

    @Test func aWriteOutsideATransactionWhoseConnectionIsLostIsOutcomeUnknownAndAReadIsNot() async throws {
        let config = try await prepare("lost_autocommit")
        let conn = try await PGConnection.connect(config)
        do {
            try await conn.execute("INSERT INTO lost_autocommit (note) VALUES ('die now')")
            Issue.record("the connection was lost")
        } catch let error as PGError {
            #expect(error.kind == .outcomeUnknown, "\(error)")
        }
        #expect(conn.isBroken)
        let reader = try await PGConnection.connect(config)
        do {
            try await reader.query("SELECT pg_terminate_backend(pg_backend_pid()), pg_sleep(5)")
            Issue.record("the connection was lost")
        } catch let error as PGError {
            #expect(error.kind == .connectionLost, "\(error)")
        }
        #expect(StatementOutcome.mayWrite("INSERT INTO t VALUES (1)"))
        #expect(StatementOutcome.mayWrite("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"))
        #expect(!StatementOutcome.mayWrite("  (SELECT 1) UNION (SELECT 2)"))
        #expect(!StatementOutcome.mayWrite("-- comment\nshow work_mem"))
        await conn.close()
        await reader.close()
    }

    @Test func aReadOnlyRefusalBehindAReadWriteURLMarksTheConnectionBroken() async throws {
        var config = try await prepare("read_only_refusal")
        // A URL asking for a writable server; the server then refuses writes, as a demoted primary does.
        config["target_session_attrs"] = "read-write"
        let conn = try await PGConnection.connect(config)
        try await conn.executeScript("SET default_transaction_read_only = on")
        do {
            try await conn.execute("INSERT INTO read_only_refusal (note) VALUES ('x')")
            Issue.record("the session is read-only")
        } catch let error as PGError {
            #expect(error.isReadOnly, "\(error)")
        }
        #expect(conn.isBroken, "a pool replaces it")
        await conn.close()

        // Without target_session_attrs the same refusal is the caller's own (a READ ONLY transaction): the connection stays.
        config["target_session_attrs"] = nil
        let plain = try await PGConnection.connect(config)
        try await plain.executeScript("SET default_transaction_read_only = on")
        await #expect(throws: PGError.self) { try await plain.execute("INSERT INTO read_only_refusal (note) VALUES ('x')") }
        #expect(!plain.isBroken)
        await plain.close()
    }
}
