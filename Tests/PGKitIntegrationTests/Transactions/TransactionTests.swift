import Foundation
import PGKit
import PGKitTestSupport
import Testing

@Suite struct TransactionTests {
    static let database = SuiteDatabase("transactions")

    struct Boom: Error {}

    func prepare(_ conn: PGConnection, _ table: String) async throws {
        try await conn.executeScript("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id int PRIMARY KEY, note text)")
    }

    @Test func commitsOnReturn() async throws {
        try await Self.database.withConnection { conn throws in
            try await prepare(conn, "t_commit")
            let value = try await conn.transaction { tx in
                try await tx.execute("INSERT INTO t_commit VALUES (1, 'a')")
                return "done"
            }
            #expect(value == "done")
            #expect(try await conn.query("SELECT count(*) FROM t_commit").scalar(Int.self) == 1)
            #expect(!conn.isInTransaction)
        }
    }

    @Test func rollsBackOnThrow() async throws {
        try await Self.database.withConnection { conn throws in
            try await prepare(conn, "t_rollback")
            await #expect(throws: Boom.self) {
                try await conn.transaction { tx in
                    try await tx.execute("INSERT INTO t_rollback VALUES (1, 'a')")
                    throw Boom()
                }
            }
            #expect(try await conn.query("SELECT count(*) FROM t_rollback").scalar(Int.self) == 0)
            // A server error inside also rolls back, and the connection is clean afterwards.
            await #expect(throws: PGError.self) {
                try await conn.transaction { tx in
                    try await tx.execute("INSERT INTO t_rollback VALUES (1, 'a')")
                    try await tx.execute("INSERT INTO t_rollback VALUES (1, 'duplicate')")
                }
            }
            #expect(try await conn.query("SELECT count(*) FROM t_rollback").scalar(Int.self) == 0)
        }
    }

    @Test func nestedTransactionRollsBackToItsSavepointOnly() async throws {
        try await Self.database.withConnection { conn throws in
            try await prepare(conn, "t_savepoint")
            try await conn.transaction { tx in
                try await tx.execute("INSERT INTO t_savepoint VALUES (1, 'outer')")
                do {
                    try await tx.transaction { inner in
                        try await inner.execute("INSERT INTO t_savepoint VALUES (2, 'inner')")
                        try await inner.execute("INSERT INTO t_savepoint VALUES (1, 'clash')")
                    }
                } catch let error as PGError where error.sqlState == .uniqueViolation {}
                try await tx.execute("INSERT INTO t_savepoint VALUES (3, 'after')")
            }
            let ids = try await conn.query("SELECT id FROM t_savepoint ORDER BY id").map { try $0.decode(Int32.self, at: 0) }
            #expect(ids == [1, 3])
        }
    }

    @Test func isolationAndReadOnlyOptionsApply() async throws {
        try await Self.database.withConnection { conn throws in
            let level = try await conn.transaction(.init(isolation: .serializable, readOnly: true, deferrable: true)) { tx in
                try await tx.query("SHOW transaction_isolation").scalar(String.self)
            }
            #expect(level == "serializable")
            do {
                try await conn.transaction(.init(readOnly: true)) { tx in
                    try await tx.executeScript("CREATE TABLE not_allowed (x int)")
                }
                Issue.record("a read-only transaction must refuse writes")
            } catch let error as PGError {
                #expect(error.isReadOnly)
                #expect("\(error)".contains("read-only"))
            }
        }
    }

    @Test func settingsApplyToTheTransactionOnlyAndCostNoExtraRoundTrip() async throws {
        try await Self.database.withConnection { conn throws in
            let options = PGTransactionOptions(settings: ["app.user_id": "u-42", "statement_timeout": "1234"])
            let seen = try await conn.transaction(options) { tx in
                try await tx.query("SELECT current_setting('app.user_id'), current_setting('statement_timeout')").first!.decode((String, String).self)
            }
            #expect(seen.0 == "u-42" && seen.1 == "1234ms")
            #expect(try await conn.query("SELECT current_setting('app.user_id', true)").scalar(String.self) ?? "" == "")
            #expect(try await conn.query("SELECT current_setting('statement_timeout')").scalar(String.self) != "1234ms")
            // Nested: the savepoint's settings hold until the outer transaction ends, as SET LOCAL's do.
            try await conn.transaction { outer in
                let inside = try await outer.transaction(PGTransactionOptions(settings: ["app.user_id": "inner"])) { inner in
                    try await inner.query("SELECT current_setting('app.user_id')").scalar(String.self)
                }
                #expect(inside == "inner")
                #expect(try await outer.query("SELECT current_setting('app.user_id')").scalar(String.self) == "inner")
            }
        }
    }

    @Test func aRefusedSettingFailsTheTransactionBeforeTheBodyRuns() async throws {
        try await Self.database.withConnection { conn throws in
            let ran = Mutex(false)
            let error = await #expect(throws: PGError.self) {
                try await conn.transaction(PGTransactionOptions(settings: ["statement_timeout": "not a duration"])) { _ in
                    ran.withLock { $0 = true }
                }
            }
            #expect(error?.sqlState == PGSQLState(rawValue: "22023"))
            #expect(ran.withLock { $0 } == false)
            #expect(!conn.hasOpenServerTransaction && !conn.isInTransaction)
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test func retriesAForcedSerializationFailure() async throws {
        try await Self.database.withConnection { conn throws in
            try await prepare(conn, "t_retry")
            let attempts = Counter()
            try await conn.transaction(.init(isolation: .serializable, retry: .attempts(3))) { tx in
                try await tx.execute("INSERT INTO t_retry VALUES (1, 'x')")
                if attempts.increment() < 3 {
                    try await tx.executeScript("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$")
                }
            }
            #expect(attempts.value == 3)
            #expect(try await conn.query("SELECT count(*) FROM t_retry").scalar(Int.self) == 1)
            // Without retry the same failure reaches the caller.
            await #expect(throws: PGError.self) {
                try await conn.transaction { tx in
                    try await tx.executeScript("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$")
                }
            }
        }
    }

    @Test func concurrentSerializableTransfersConvergeWithRetry() async throws {
        let config = try await Self.database.configuration()
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("""
                DROP TABLE IF EXISTS accounts; CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL);
                INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 4) g;
                """)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let conn = try await PGConnection.connect(config)
                    defer { Task { await conn.close() } }
                    for step in 0..<10 {
                        let from = Int32((worker + step) % 4 + 1), to = Int32((worker + step + 1) % 4 + 1)
                        try await conn.transaction(.init(isolation: .serializable, retry: .attempts(50))) { tx in
                            let balance = try await tx.query("SELECT balance FROM accounts WHERE id = \(from)").scalar(Int32.self)!
                            try await tx.execute("UPDATE accounts SET balance = \(balance - 5) WHERE id = \(from)")
                            try await tx.execute("UPDATE accounts SET balance = balance + 5 WHERE id = \(to)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await Self.database.withConnection { conn throws in
            #expect(try await conn.query("SELECT sum(balance)::int8 FROM accounts").scalar(Int64.self) == 400)
        }
    }
}

/// A thread-safe counter for closures that run more than once.
final class Counter: Sendable {
    private let storage = Mutex(0)
    @discardableResult func increment() -> Int { storage.withLock { $0 += 1; return $0 } }
    var value: Int { storage.withLock { $0 } }
}

import Synchronization
