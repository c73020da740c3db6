import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `PGPoolConfiguration.pipelinesStatements`: many tasks' statements share connections in
/// pipeline mode. Each caller gets its own result or error, in order; a failure, a cancel or a
/// timeout reaches only its own statement; transactions and session-changing statements keep a
/// connection to themselves.
@Suite struct PipelinedStatementTests {
    static let database = SuiteDatabase("pipelined_statements")

    func makePool(max: Int, name: String, queryTimeout: Duration? = nil) async throws -> PGPool {
        let config = try await Self.database.configuration(applicationName: name, queryTimeout: queryTimeout)
        let pool = PGPool(config: config, configuration: .init(maxConnections: max, acquireTimeout: .seconds(30), pipelinesStatements: true))
        // One connection open and idle, so statements start a lane on it.
        _ = try await pool.query("SELECT 1")
        return pool
    }

    @Test func twoHundredTasksShareOneConnectionAndEachGetsItsOwnResults() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-share")
        let results = try await withThrowingTaskGroup(of: (Int, [Int64], Set<Int32>).self) { group in
            for task in 0..<200 {
                group.addTask {
                    var values: [Int64] = []
                    var pids: Set<Int32> = []
                    for step in 0..<5 {
                        let row = try await pool.query("SELECT \(Int64(task * 10 + step))::int8, pg_backend_pid()").first!
                        let (value, pid) = try row.decode((Int64, Int32).self)
                        values.append(value)
                        pids.insert(pid)
                    }
                    return (task, values, pids)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 200)
        for (task, values, _) in results {
            #expect(values == (0..<5).map { Int64(task * 10 + $0) }, "task \(task) got another caller's rows")
        }
        #expect(Set(results.flatMap(\.2)).count == 1, "one connection carried every statement")
        // The lane keeps its connection a moment for the next statement, then gives it back.
        for _ in 0..<100 where pool.statistics.inUse != 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(pool.statistics.inUse == 0 && pool.statistics.waiting == 0, "\(pool.statistics)")
        await pool.shutdown()
    }

    @Test func anExclusiveCallerRightAfterTakesTheLanesConnectionWithoutOpeningAnother() async throws {
        var config = try await Self.database.configuration()
        config["application_name"] = "pgkit-lanes-handover"
        let pool = PGPool(config: config, configuration: .init(minConnections: 1, maxConnections: 4, acquireTimeout: .seconds(30), pipelinesStatements: true))
        for _ in 0..<200 where pool.statistics.idle < 1 { try await Task.sleep(for: .milliseconds(10)) }
        for round in 0..<20 {
            let pipelinedPID = try await pool.query("SELECT pg_backend_pid()").scalar(Int32.self)
            // At once, while the lane still waits for more: it is woken and hands its connection over.
            let exclusivePID = try await pool.transaction { tx in try await tx.query("SELECT pg_backend_pid()").scalar(Int32.self) }
            #expect(exclusivePID == pipelinedPID, "round \(round)")
        }
        #expect(pool.statistics.open == 1, "no connection was opened for the transactions: \(pool.statistics)")
        await pool.shutdown()
    }

    @Test func whileStatementsAreInFlightNoCallerWaitsForAConnection() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-waiting")
        let slow = Task { try await pool.query("SELECT pg_sleep(1)") }
        try await Task.sleep(for: .milliseconds(200))
        let quick = (0..<20).map { index in Task { try await pool.query("SELECT \(Int64(index))::int8").scalar(Int64.self) } }
        try await Task.sleep(for: .milliseconds(300))
        // Queued in the lane behind the sleep, not in the pool's queue of waiting callers.
        #expect(pool.statistics.waiting == 0, "\(pool.statistics)")
        _ = try await slow.value
        for (index, task) in quick.enumerated() { #expect(try await task.value == Int64(index)) }
        await pool.shutdown()
    }

    @Test func aFailingStatementFailsAloneAndTheOthersCommit() async throws {
        let pool = try await makePool(max: 2, name: "pgkit-lanes-failures")
        try await pool.execute("CREATE TABLE IF NOT EXISTS lane_rows (n int PRIMARY KEY)")
        try await pool.execute("TRUNCATE lane_rows")
        // Every fifth insert repeats a key inserted first, so it fails with a unique violation.
        try await pool.execute("INSERT INTO lane_rows VALUES (-1)")
        let outcomes = await withTaskGroup(of: (Int, PGError?).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        try await pool.execute("INSERT INTO lane_rows VALUES (\(n % 5 == 0 ? -1 : n))")
                        return (n, nil)
                    } catch let error as PGError {
                        return (n, error)
                    } catch {
                        return (n, PGError(.invalidParameter, "\(error)"))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for (n, error) in outcomes {
            if n % 5 == 0 {
                #expect(error?.sqlState == .uniqueViolation, "insert \(n): \(String(describing: error))")
            } else {
                #expect(error == nil, "insert \(n) failed with another statement's error: \(String(describing: error))")
            }
        }
        let stored = try await pool.query("SELECT count(*) FROM lane_rows WHERE n >= 0").scalar(Int.self)
        #expect(stored == 240)
        await pool.shutdown()
    }

    /// How many statements of the pool's application that start with `prefix` the server runs now.
    func running(_ prefix: String, application: String, on admin: PGConnection) async throws -> Int? {
        try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = \(application) AND state = 'active' AND starts_with(query, \(prefix))").scalar(Int.self)
    }

    /// Waits until the server runs a statement of the pool's application that starts with `prefix`.
    func waitUntilRunning(_ prefix: String, application: String) async throws {
        let admin = try await Self.database.connect()
        defer { Task { await admin.close() } }
        for _ in 0..<200 {
            if try await running(prefix, application: application, on: admin) == 1 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(prefix) never ran")
    }

    @Test func cancellingTheOnlyStatementInFlightStopsItOnTheServer() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-cancel-alone")
        let sleeper = Task { try await pool.query("SELECT pg_sleep(30)") }
        try await waitUntilRunning("SELECT pg_sleep(30)", application: "pgkit-lanes-cancel-alone")
        // Timed from the cancel, not from the start: on a loaded machine getting the sleep
        // running can take seconds, and that is not what this measures.
        let cancelled = ContinuousClock.now
        sleeper.cancel()
        let error = await #expect(throws: PGError.self) { try await sleeper.value }
        // 57014 is the server's answer: it stopped the sleep (a finished sleep returns a row).
        #expect(error?.sqlState == .queryCanceled, "the server's own answer: \(String(describing: error))")
        #expect(ContinuousClock.now - cancelled < .seconds(15), "far short of the 30 s sleep")
        let running = try await pool.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgkit-lanes-cancel-alone' AND state = 'active' AND pid <> pg_backend_pid()").scalar(Int.self)
        #expect(running == 0)
        await pool.shutdown()
    }

    @Test func cancellingAStatementWithOthersSentAfterItAnswersOnlyItsCaller() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-cancel-shared")
        let sleeper = Task { try await pool.query("SELECT pg_sleep(15)") }
        try await waitUntilRunning("SELECT pg_sleep(15)", application: "pgkit-lanes-cancel-shared")
        let behind = Task { try await pool.query("SELECT 2").scalar(Int.self) }
        let alsoCancelled = Task { try await pool.query("SELECT 3").scalar(Int.self) }
        try await Task.sleep(for: .milliseconds(500))
        alsoCancelled.cancel()
        sleeper.cancel()
        // With statements sent after it, a cancel request could reach whichever statement the
        // server runs when it arrives, so none is sent: the caller is answered at once and the
        // result discarded. (Were the others not sent yet, the sleep alone gets the cancel.)
        let error = await #expect(throws: PGError.self) { try await sleeper.value }
        #expect(error?.kind == .cancelled || error?.sqlState == .queryCanceled, "\(String(describing: error))")
        if error?.sqlState != .queryCanceled {
            // Answered without the server, before the sleep ended, as the server itself tells
            // (no clock of ours to race a loaded machine): the sleep still runs there.
            let admin = try await Self.database.connect()
            let stillSleeping = try await running("SELECT pg_sleep(15)", application: "pgkit-lanes-cancel-shared", on: admin)
            await admin.close()
            #expect(stillSleeping == 1, "the caller was answered only after the 15 s sleep ended")
        }
        await #expect(throws: PGError.self) { try await alsoCancelled.value }
        #expect(try await behind.value == 2, "the statement sent after the cancelled ones still runs")
        // The lane gives its connection back once the discarded results behind it are read.
        for _ in 0..<100 where pool.statistics.inUse != 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(pool.statistics.inUse == 0, "\(pool.statistics)")
        await pool.shutdown()
    }

    @Test func aTaskCancelledBeforeItsStatementIsSentSendsNothing() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-cancelled-first")
        try await pool.execute("CREATE TABLE IF NOT EXISTS lane_never (n int)")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.execute("INSERT INTO lane_never VALUES (1)")
        }
        let error = await #expect(throws: PGError.self) { try await task.value }
        #expect(error?.kind == .cancelled, "\(String(describing: error))")
        #expect(try await pool.query("SELECT count(*) FROM lane_never").scalar(Int.self) == 0)
        await pool.shutdown()
    }

    @Test func theQueryTimeoutEndsAPipelinedStatementAndTheConnectionStaysUsable() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-timeout", queryTimeout: .seconds(1))
        let started = ContinuousClock.now
        do {
            try await pool.query("SELECT pg_sleep(30)")
            Issue.record("the statement should have timed out")
        } catch let error as PGError {
            #expect(error.kind == .timedOut || error.sqlState == .queryCanceled, "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try await pool.query("SELECT 5").scalar(Int.self) == 5)
        await pool.shutdown()
    }

    @Test func transactionsAndSessionSettingsKeepAConnectionToThemselves() async throws {
        let pool = try await makePool(max: 2, name: "pgkit-lanes-exclusive")
        let readers = (0..<20).map { _ in
            Task {
                var seen: Set<String> = []
                for _ in 0..<20 {
                    seen.insert(try await pool.query("SELECT current_setting('application_name')").scalar(String.self)!)
                }
                return seen
            }
        }
        for _ in 0..<10 {
            try await pool.withConnection { conn throws in
                try await conn.execute("SET application_name = 'changed-by-a-lease'")
                #expect(try await conn.query("SELECT current_setting('application_name')").scalar(String.self) == "changed-by-a-lease")
            }
            try await pool.transaction { tx in
                try await tx.execute("SET LOCAL application_name = 'changed-in-a-transaction'")
                #expect(try await tx.query("SELECT current_setting('application_name')").scalar(String.self) == "changed-in-a-transaction")
            }
        }
        for reader in readers {
            #expect(try await reader.value == ["pgkit-lanes-exclusive"], "a shared statement saw another lease's setting")
        }
        await pool.shutdown()
    }

    @Test func aBackendKilledUnderALaneFailsOnlyItsStatementsAndThePoolRecovers() async throws {
        let pool = try await makePool(max: 1, name: "pgkit-lanes-killed")
        try await pool.execute("CREATE TABLE IF NOT EXISTS lane_writes (n int)")
        let pid = try await pool.query("SELECT pg_backend_pid()").scalar(Int32.self)!
        let sleeper = Task { try await pool.query("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(300))
        let behind = (0..<5).map { _ in Task { try await pool.query("SELECT 1") } }
        let write = Task { try await pool.execute("INSERT INTO lane_writes VALUES (1)") }
        try await Task.sleep(for: .milliseconds(100))
        let admin = try await Self.database.connect()
        _ = try await admin.query("SELECT pg_terminate_backend(\(pid))")
        await admin.close()
        let error = await #expect(throws: PGError.self) { try await sleeper.value }
        #expect(error?.kind == .connectionLost || error?.kind == .server, "\(String(describing: error))")
        for task in behind { _ = try? await task.value }
        // Sent behind the sleep and never answered: it may or may not have committed.
        let writeError = await #expect(throws: PGError.self) { try await write.value }
        #expect(writeError?.kind == .outcomeUnknown, "\(String(describing: writeError))")
        #expect(try await pool.query("SELECT 6").scalar(Int.self) == 6, "a new connection serves the next statement")
        #expect(pool.statistics.inUse == 0, "\(pool.statistics)")
        await pool.shutdown()
    }
}
