import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// The migration outage, reproduced through the real binary: the app holds a transaction that
/// read a table while `dbctl deploy` alters it. With a lock timeout the app's queries wait at
/// most that long and the deploy retries until the holder is gone (or gives up naming it);
/// without one (`--statement-lock-timeout off`, the old behaviour) the app stalls until the
/// holder commits.
@Suite(.serialized) struct LockSafeDeployCommandTests {
    typealias Project = DBCtlCommandTests.Project

    /// Table `t` applied; `0002_flag` (a new table and the ALTER) pending.
    func project(_ name: String) async throws -> Project {
        let project = try await Project(database: name)
        try project.write("0001_t.up.sql", "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 1000);")
        #expect(try await project.dbctl("deploy").status == 0)
        try project.write("0002_flag.up.sql", "CREATE TABLE audit (id int);\nALTER TABLE t ADD COLUMN flagged boolean;")
        return project
    }

    /// An open transaction that read `t` (as a slow request's does), committed after `seconds`,
    /// counted from now or, with `afterTheAlterWaits`, from when an `ALTER TABLE t` starts
    /// waiting for its lock (so a slow start of dbctl on a busy machine does not shorten the wait).
    struct Holder {
        let connection: PGConnection
        let pid: Int32
        let commit: Task<Void, any Error>

        init(_ project: Project, seconds: Double, afterTheAlterWaits: Bool = false) async throws {
            connection = try await PGConnection.connect(try PGConfig(project.url))
            try await connection.executeScript("BEGIN")
            _ = try await connection.query("SELECT count(*) FROM t")
            pid = connection.backendPID
            let config = try PGConfig(project.url)
            commit = Task { [connection] in
                if afterTheAlterWaits {
                    try await PGConnection.withConnection(config) { observer in
                        while try await observer.query("""
                            SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE t %'
                            """).scalar(Int.self) == 0 {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                try await connection.executeScript("COMMIT")
            }
        }

        func finish() async throws {
            commit.cancel()
            _ = await commit.result
            if connection.hasOpenServerTransaction { try await connection.executeScript("COMMIT") }
            await connection.close()
        }
    }

    /// Runs `deploy` with `options` in the background while the app runs `SELECT count(*) FROM t`
    /// every 100 ms on its own connection; returns the deploy's run and each query's latency.
    func deployMeasuringTheApp(_ project: Project, _ options: [String]) async throws -> (run: CommandRun, latencies: [Duration]) {
        let app = try await PGConnection.connect(try PGConfig(project.url))
        _ = try await app.query("SELECT count(*) FROM t")
        let running = try CommandRun.startDBCtl(["deploy", "--database-url", project.url, "--migrations", project.migrations.path] + options)
        let probes = Task {
            var latencies: [Duration] = []
            while !Task.isCancelled {
                let started = ContinuousClock.now
                do { _ = try await app.query("SELECT count(*) FROM t") } catch { break }
                latencies.append(ContinuousClock.now - started)
                try? await Task.sleep(for: .milliseconds(100))
            }
            return latencies
        }
        let run = try await running.wait()
        probes.cancel()
        let latencies = await probes.value
        await app.close()
        return (run, latencies)
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func state(_ project: Project) async throws -> (historyRows: Int?, hasColumn: Bool, hasAudit: Bool) {
        let connection = try await PGConnection.connect(try PGConfig(project.url))
        defer { Task { await connection.close() } }
        let rows = try await connection.query("SELECT count(*) FROM dbctl_migrations WHERE version = 2").scalar(Int.self)
        let column = try await connection.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'flagged'").scalar(Int.self)
        let audit = try await connection.query("SELECT to_regclass('audit') IS NOT NULL").scalar(Bool.self)
        return (rows, column == 1, audit == true)
    }

    @Test func theAppWaitsAtMostTheLockTimeoutAndTheDeployRetriesUntilTheHolderCommits() async throws {
        let project = try await project("lock_retry")
        // The holder keeps its lock 20 s, so a bound well under that (loose enough for a loaded
        // CI machine, where one plain query took 6.9 s) still tells a 1 s wait from a stall.
        let holder = try await Holder(project, seconds: 20)
        let started = ContinuousClock.now
        let (run, latencies) = try await deployMeasuringTheApp(
            project, ["--statement-lock-timeout", "1s", "--lock-attempts", "30", "--lock-retry-limit", "60s"])
        let deployTime = ContinuousClock.now - started
        try await holder.finish()
        let worst = latencies.max() ?? .zero
        print("lock-safe deploy: \(latencies.count) app queries, slowest \(seconds(worst)) s, deploy \(seconds(deployTime)) s")
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(run.errorOutput.contains("waits for AccessExclusiveLock on t, held by pid \(holder.pid)"), "\(run.errorOutput)")
        #expect(run.errorOutput.contains("timed out waiting for its lock (held by pid \(holder.pid)), attempt 1 of 30"))
        #expect(deployTime > .seconds(19), "it applied only once the holder had committed")
        #expect(worst < .seconds(12), "an app query waits about the 1 s lock timeout, not the 20 s until the holder commits")
        #expect(latencies.contains { $0 > .milliseconds(300) }, "some app queries did queue behind the waiting ALTER (the test measures something)")
        let after = try await state(project)
        #expect(after.historyRows == 1 && after.hasColumn && after.hasAudit)
    }

    @Test func theDeployGivesUpNamingTheHolderWithNothingHalfApplied() async throws {
        let project = try await project("lock_give_up")
        let holder = try await Holder(project, seconds: 20)
        let run = try await project.dbctl("deploy", "--statement-lock-timeout", "1s", "--lock-attempts", "2")
        let before = try await state(project)
        try await holder.finish()
        #expect(run.status == 1)
        #expect(run.errorOutput.contains("0002_flag.up.sql:2: could not get a lock within 1s in 2 attempts"), "\(run.errorOutput)")
        #expect(run.errorOutput.contains("held by pid \(holder.pid)"))
        #expect(run.errorOutput.contains("SELECT count(*) FROM t"), "the holder's query is shown")
        #expect(run.errorOutput.contains("rolled back; the database is as it was before it"))
        #expect(before.historyRows == 0 && !before.hasColumn && !before.hasAudit, "nothing of the migration was applied")
        let again = try await project.dbctl("deploy")
        #expect(again.status == 0, "\(again.errorOutput)")
        #expect(try await state(project).hasColumn)
    }

    /// The control: the same scenario without a lock timeout, as dbctl deployed before.
    @Test func withoutALockTimeoutTheAppStallsUntilTheHolderCommits() async throws {
        let project = try await project("lock_stall")
        let holder = try await Holder(project, seconds: 5, afterTheAlterWaits: true)
        let (run, latencies) = try await deployMeasuringTheApp(project, ["--statement-lock-timeout", "off"])
        try await holder.finish()
        let worst = latencies.max() ?? .zero
        print("deploy without a lock timeout: \(latencies.count) app queries, slowest \(seconds(worst)) s")
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(worst > .seconds(4), "an app query issued while the ALTER waited stalled until the holder committed")
        #expect(try await state(project).hasColumn)
    }

    @Test func aFileSetsItsOwnLockTimeout() async throws {
        let project = try await project("lock_file")
        try project.write("0002_flag.up.sql", "-- dbctl:lock-timeout 300ms\nCREATE TABLE audit (id int);\nALTER TABLE t ADD COLUMN flagged boolean;")
        let holder = try await Holder(project, seconds: 20)
        let started = ContinuousClock.now
        let run = try await project.dbctl("deploy", "--statement-lock-timeout", "30s", "--lock-attempts", "1")
        let elapsed = ContinuousClock.now - started
        try await holder.finish()
        #expect(run.status == 1)
        #expect(run.errorOutput.contains("could not get a lock within 300ms in 1 attempt"), "\(run.errorOutput)")
        #expect(elapsed < .seconds(12), "the file's 300 ms won over the deploy's 30 s (the holder stays 20 s)")
    }

    @Test func aStatementTimeoutEndsALongStatementAndRollsBack() async throws {
        let project = try await project("statement_timeout")
        try project.write("0002_flag.up.sql", "CREATE TABLE audit (id int);\nSELECT pg_sleep(5);")
        let run = try await project.dbctl("deploy", "--statement-timeout", "500ms")
        #expect(run.status == 1)
        #expect(run.errorOutput.contains("0002_flag.up.sql:2: [57014] canceling statement due to statement timeout"), "\(run.errorOutput)")
        #expect(try await state(project).hasAudit == false)
    }

    @Test func aNoTransactionMigrationRetriesOnlyTheStatementThatTimedOut() async throws {
        let project = try await project("lock_no_transaction")
        try project.write("0002_flag.up.sql", """
            -- dbctl:no-transaction
            CREATE TABLE IF NOT EXISTS audit (id int);
            INSERT INTO audit VALUES (1);
            ALTER TABLE t ADD COLUMN IF NOT EXISTS flagged boolean;
            CREATE INDEX CONCURRENTLY IF NOT EXISTS t_flagged ON t (flagged);
            """)
        // Held until 2 s after the ALTER first waits for it (a fixed 3 s from now once ran out
        // before a loaded machine had even started dbctl, and nothing timed out).
        let holder = try await Holder(project, seconds: 2, afterTheAlterWaits: true)
        let run = try await project.dbctl("deploy", "--statement-lock-timeout", "500ms", "--lock-attempts", "30", "--lock-retry-limit", "60s")
        try await holder.finish()
        #expect(run.status == 0, "\(run.errorOutput)")
        #expect(run.errorOutput.contains("0002_flag.up.sql:4 timed out waiting for its lock"))
        #expect(try await project.scalar("SELECT count(*) FROM audit") == 1, "the statements before the failed one ran once")
        #expect(try await project.scalar("SELECT count(*) FROM pg_index WHERE indexrelid = 't_flagged'::regclass AND indisvalid") == 1)
    }

    @Test func aNoTransactionFileThatOpensItsOwnTransactionIsNotRetried() async throws {
        let project = try await project("lock_own_begin")
        try project.write("0002_flag.up.sql", "-- dbctl:no-transaction\nBEGIN;\nALTER TABLE t ADD COLUMN flagged boolean;\nCOMMIT;")
        let holder = try await Holder(project, seconds: 20)
        let run = try await project.dbctl("deploy", "--statement-lock-timeout", "300ms", "--lock-attempts", "5")
        try await holder.finish()
        #expect(run.status == 1)
        #expect(run.errorOutput.contains("0002_flag.up.sql:3: [55P03] canceling statement due to lock timeout"), "\(run.errorOutput)")
        #expect(!run.errorOutput.contains("attempt 1 of 5"), "one statement of its own BEGIN block cannot be retried alone")
        #expect(try await state(project).hasColumn == false)
    }

    @Test func badTimeValuesAreBadUsage() async throws {
        for arguments in [["--statement-lock-timeout", "5000"], ["--statement-timeout", "soon"], ["--lock-attempts", "0"], ["--lock-retry-limit", "off"]] {
            let run = try await CommandRun.dbctl(["deploy"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.errorOutput)")
        }
    }
}
