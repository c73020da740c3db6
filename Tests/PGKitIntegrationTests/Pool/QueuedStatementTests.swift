import Foundation
import InMemoryTracing
import MetricsTestKit
@testable import PGKit
import PGKitTestSupport
import Testing
import Tracing

/// `pool.query` and `pool.execute` waiting for a busy pool: the caller that gives a connection
/// back sends the first queued statement for its task (`PoolWaiter.handOver`). Each test makes
/// the handover happen (the counter `statementsSentForWaiters` says it did) and then tries to
/// break what a statement run by its own task guarantees: its own answer, its own error, its
/// cancel, its time limit, an unknown outcome for a write whose connection died.
@Suite struct QueuedStatementTests {
    static let database = SuiteDatabase("queued_statements")

    func makePool(max: Int, name: String, queryTimeout: Duration? = nil) async throws -> PGPool {
        let config = try await Self.database.configuration(applicationName: name, queryTimeout: queryTimeout)
        return PGPool(config: config, configuration: .init(maxConnections: max, acquireTimeout: .seconds(120)))
    }

    /// Waits until `pool` has `count` callers queued.
    func waitForQueue(_ pool: PGPool, count: Int) async throws {
        // Generous: under the full parallel test run a new task may take seconds to start.
        for _ in 0..<6000 where pool.statistics.waiting < count { try await Task.sleep(for: .milliseconds(10)) }
        #expect(pool.statistics.waiting == count)
    }

    @Test func everyQueuedCallerGetsItsOwnRowsAndItsOwnErrors() async throws {
        let pool = try await makePool(max: 2, name: "pgkit-queued-answers")
        // Every fifth statement divides by zero; the others echo their caller's numbers.
        let sql = "SELECT $1::int8 * 1000 + $2::int8, 10 / $3::int4"
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<32 {
                group.addTask {
                    var wrong = 0
                    for step in 0..<40 {
                        let failing = (task + step) % 5 == 0
                        do {
                            let rows = try await pool.query(PGQuery(sql, parameters: [Int64(task), Int64(step), Int32(failing ? 0 : 2)]))
                            let (echo, quotient) = try rows[0].decode((Int, Int).self)
                            if failing || rows.count != 1 || echo != task * 1000 + step || quotient != 5 { wrong += 1 }
                        } catch let error as PGError {
                            if !failing || error.sqlState?.rawValue != "22012" { wrong += 1 }
                        }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0, "every caller got its own row or its own error")
        #expect(pool.statementsSentForWaiters.load(ordering: .relaxed) > 0, "statements waited and were sent for their tasks")
        let statistics = pool.statistics
        #expect(statistics.inUse == 0 && statistics.waiting == 0 && statistics.open <= 2)
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }

    /// Creates `table` if needed and leaves it empty, with `statement` run once on the pool's
    /// connection first (so it is prepared there, and a later handover can send it at once).
    func emptyTable(_ table: String, columns: String, on pool: PGPool, preparing statement: PGQuery) async throws {
        try await pool.execute(PGQuery("CREATE TABLE IF NOT EXISTS \(table) (\(columns))", parameters: []))
        try await pool.execute(statement)
        try await pool.execute(PGQuery("DELETE FROM \(table)", parameters: []))
    }

    /// One connection, held by this task until `statement` waits for it; giving it back sends
    /// `statement` for its task. Its SQL runs once before with `warmUp` for parameters, so it is
    /// prepared (an unprepared statement goes to its own task).
    func queueForTheOnlyConnection(_ pool: PGPool, _ statement: PGQuery, warmUp: [any PGEncodable]) async throws
        -> Task<PGQueryResult, any Error> {
        _ = try await pool.query(PGQuery(statement.sql, parameters: warmUp))
        let sentBefore = pool.statementsSentForWaiters.load(ordering: .relaxed)
        let queued = try await pool.withConnection { _ in
            let queued = Task { try await pool.query(statement) }
            try await waitForQueue(pool, count: 1)
            return queued
        }
        #expect(pool.statementsSentForWaiters.load(ordering: .relaxed) == sentBefore + 1, "the queued statement was sent by the caller giving the connection back")
        return queued
    }

    @Test func cancellingATaskWhoseStatementWasSentForItStopsItOnTheServer() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-queued-cancel-sent")
        let sleeper = try await queueForTheOnlyConnection(pool, "SELECT pg_sleep(\(30.0))", warmUp: [0.0])
        try await Task.sleep(for: .milliseconds(300))
        let cancelled = ContinuousClock.now
        sleeper.cancel()
        do {
            _ = try await sleeper.value
            Issue.record("the cancelled statement returned")
        } catch let error as PGError {
            #expect(error.kind == .cancelled || error.sqlState == .queryCanceled, "got \(error.kind): \(error.message)")
        }
        #expect(ContinuousClock.now - cancelled < .seconds(10), "stopped long before the 30 s sleep ended")
        // Asked from a connection of another name: the pool's only one is free again.
        let admin = try await Self.database.connect()
        let running = try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgkit-queued-cancel-sent' AND state = 'active'").scalar(Int.self)
        await admin.close()
        #expect(running == 0)
        #expect(pool.statistics.open == 1, "a cancelled statement leaves its connection usable")
        await pool.shutdown()
    }

    @Test func cancellingAQueuedStatementBeforeItIsSentRunsNothing() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-queued-cancel-waiting")
        let insert: PGQuery = "INSERT INTO queued_cancelled VALUES (\("must not exist"))"
        try await emptyTable("queued_cancelled", columns: "note text", on: pool, preparing: insert)
        try await pool.withConnection { _ in
            let waiter = Task { try await pool.execute(insert) }
            try await waitForQueue(pool, count: 1)
            let cancelled = ContinuousClock.now
            waiter.cancel()
            let error = await #expect(throws: PGError.self) { try await waiter.value }
            // Taken out of the queue at once, not failed by the 120 s acquire timeout.
            #expect(error?.kind == .cancelled, "\(String(describing: error))")
            #expect(ContinuousClock.now - cancelled < .seconds(10))
            #expect(pool.statistics.waiting == 0)
        }
        #expect(try await pool.query("SELECT count(*) FROM queued_cancelled").scalar(Int.self) == 0)
        await pool.shutdown()
    }

    @Test func theQueryTimeoutStopsAStatementSentForItsTask() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-queued-timeout", queryTimeout: .seconds(1))
        let slow = try await queueForTheOnlyConnection(pool, "SELECT pg_sleep(\(20.0))", warmUp: [0.0])
        let started = ContinuousClock.now
        do {
            _ = try await slow.value
            Issue.record("a 20 s statement returned under a 1 s query timeout")
        } catch let error as PGError {
            // The server cancels it (57014) after 1 s, as it would a statement its own task sent.
            #expect(error.sqlState == .queryCanceled || error.kind == .timedOut)
        }
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }

    @Test func aWriteSentForItsTaskWhoseConnectionDiesHasAnUnknownOutcome() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-queued-lost-write")
        try await pool.execute("CREATE TABLE IF NOT EXISTS queued_writes (n int)")
        let write: PGQuery = "INSERT INTO queued_writes SELECT \(1) FROM pg_sleep(\(10.0))"
        let writer = try await queueForTheOnlyConnection(pool, write, warmUp: [1, 0.0])
        try await Task.sleep(for: .milliseconds(100))
        let before = try await Self.database.connect()
        let warmedRows = try await before.query("SELECT count(*) FROM queued_writes").scalar(Int.self)
        await before.close()
        // Kill the backend running the write from a connection of our own.
        let admin = try await Self.database.connect()
        var killed = false
        for _ in 0..<200 where !killed {
            killed = try await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgkit-queued-lost-write' AND state = 'active' AND query LIKE 'INSERT INTO queued_writes%'").count == 1
            if !killed { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(killed)
        do {
            _ = try await writer.value
            Issue.record("a write whose backend was terminated returned")
        } catch let error as PGError {
            // Lost before an answer (the server's FATAL for a terminated backend is a lost
            // connection too): it may have committed or not, and the caller must be told so.
            #expect(error.kind == .outcomeUnknown, "got \(error.kind): \(error.message)")
        }
        #expect(try await admin.query("SELECT count(*) FROM queued_writes").scalar(Int.self) == warmedRows, "the write was not committed")
        await admin.close()
        // The broken connection is replaced.
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }

    @Test func aQueuedStatementLeavingATransactionOrASettingIsResetBeforeTheNextOne() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-queued-reset")
        let insert: PGQuery = "INSERT INTO queued_after_begin VALUES (\(7))"
        try await emptyTable("queued_after_begin", columns: "n int", on: pool, preparing: insert)
        let sentBefore = pool.statementsSentForWaiters.load(ordering: .relaxed)
        // Queued in this order behind this task's lease: a bare BEGIN, a setting, a write, a read.
        let (begin, setting, write, name) = try await pool.withConnection { _ in
            let begin = Task { try await pool.execute("BEGIN") }
            try await waitForQueue(pool, count: 1)
            let setting = Task { try await pool.execute("SET application_name = 'changed-by-a-caller'") }
            try await waitForQueue(pool, count: 2)
            let write = Task { try await pool.execute(insert) }
            try await waitForQueue(pool, count: 3)
            let name = Task { try await pool.query("SHOW application_name").scalar(String.self) }
            try await waitForQueue(pool, count: 4)
            return (begin, setting, write, name)
        }
        _ = try await begin.value
        _ = try await setting.value
        _ = try await write.value
        #expect(try await name.value == "pgkit-queued-reset", "the setting was reset before the next statement")
        #expect(pool.statementsSentForWaiters.load(ordering: .relaxed) > sentBefore, "statements were sent for their tasks")
        // The write ran outside the BEGIN's transaction (rolled back first), so it committed.
        let admin = try await Self.database.connect()
        #expect(try await admin.query("SELECT count(*) FROM queued_after_begin").scalar(Int.self) == 1)
        await admin.close()
        await pool.shutdown()
    }

    @Test func queuedStatementsRunInTheOrderTheirCallersCame() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-queued-order")
        let insert = "INSERT INTO queued_order (caller) VALUES ($1)"
        try await emptyTable("queued_order", columns: "seq bigserial PRIMARY KEY, caller int", on: pool, preparing: PGQuery(insert, parameters: [-1]))
        let sentBefore = pool.statementsSentForWaiters.load(ordering: .relaxed)
        // Twenty callers queue one after another behind this task's lease.
        let callers = try await pool.withConnection { _ in
            var callers: [Task<Int, any Error>] = []
            for caller in 0..<20 {
                callers.append(Task { try await pool.execute(PGQuery(insert, parameters: [caller])) })
                try await waitForQueue(pool, count: caller + 1)
            }
            return callers
        }
        for caller in callers { #expect(try await caller.value == 1) }
        #expect(pool.statementsSentForWaiters.load(ordering: .relaxed) - sentBefore == 20, "each was sent for its task")
        let order: [Int] = try await pool.query("SELECT caller FROM queued_order ORDER BY seq").map { row in try row.decode(Int.self, at: 0) }
        #expect(order == Array(0..<20), "first come, first served")
        await pool.shutdown()
    }
    @Test func aTracedAndMeteredPoolHandsStatementsOnTooWithOneSpanAndOneTimingEach() async throws {
        let tracer = InMemoryTracer()
        let metrics = TestMetrics()
        var config = try await Self.database.configuration(applicationName: "pgkit-queued-traced")
        config.observability = PGObservability(tracer: tracer, metricsFactory: metrics, dimensions: [("pool", "traced")])
        let pool = PGPool(config: config, configuration: .init(maxConnections: 2))
        // Both connections open and the statement prepared on each (a first run is not sent for anyone).
        let sql: PGQuery = "SELECT $1::int8 AS n, pg_sleep(0.002)"
        func statement(_ n: Int64) -> PGQuery { PGQuery(sql.sql, parameters: [n]) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for warm in 0..<2 { group.addTask { _ = try await pool.query(PGQuery("SELECT $1::int8 AS n, pg_sleep(0.2)", parameters: [Int64(warm)])) } }
            try await group.waitForAll()
        }
        for _ in 0..<4 { _ = try await pool.query(statement(0)) }
        let warmSpans = tracer.finishedSpans.count
        let sentBefore = pool.statementsSentForWaiters.load(ordering: .relaxed)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<16 {
                group.addTask {
                    try await tracer.withSpan("request \(caller)") { _ in
                        for step in 0..<10 {
                            let n = Int64(caller * 100 + step)
                            let answer = try await pool.query(statement(n)).scalar(Int64.self)
                            #expect(answer == n)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let sent = pool.statementsSentForWaiters.load(ordering: .relaxed) - sentBefore
        #expect(sent > 0, "statements waited and were sent for their tasks")
        await pool.shutdown()
        let spans = Array(tracer.finishedSpans.dropFirst(warmSpans))
        var handedOver = 0
        for caller in 0..<16 {
            let request = try #require(spans.first { $0.operationName == "request \(caller)" })
            let statements = spans.filter { $0.parentSpanID == request.spanID }
            #expect(statements.count == 10 && statements.allSatisfy { $0.operationName == "SELECT" }, "caller \(caller): \(statements.map(\.operationName))")
            for span in statements {
                #expect(span.kind == .client)
                #expect(span.attributes["db.query.text"]?.toSpanAttribute() == "SELECT $1::int8 AS n, pg_sleep(0.002)")
                // One acquire inside each statement's span, ended no later than the statement.
                let acquires = spans.filter { $0.parentSpanID == span.spanID }
                #expect(acquires.map(\.operationName) == ["pgkit.pool.acquire"])
                if let acquire = acquires.first {
                    #expect(acquire.endInstant.nanosecondsSinceEpoch <= span.endInstant.nanosecondsSinceEpoch)
                    // Sent for a waiting task: its wait ended with the send, 2 ms or more before the answer.
                    if span.endInstant.nanosecondsSinceEpoch - acquire.endInstant.nanosecondsSinceEpoch >= 2_000_000 { handedOver += 1 }
                }
            }
        }
        #expect(handedOver >= sent, "every statement sent for its task has an acquire that ended when it was sent")
        // No statement timed twice (by the pool and by its connection), none missed.
        let selects = try metrics.expectTimer("pgkit_statement_duration", [("pool", "traced"), ("operation", "SELECT")])
        #expect(selects.values.count == 2 + 4 + 160)
        let acquires = try metrics.expectTimer("pgkit_pool_acquire_duration", [("pool", "traced")])
        #expect(acquires.values.count == 2 + 4 + 160)
        #expect(try metrics.expectGauge("pgkit_pool_connections", [("pool", "traced"), ("state", "in_use")]).lastValue == 0)
    }
}
