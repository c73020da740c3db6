@testable import Migrator
import PGKit
import Testing

/// The values behind lock-safe applying, without a database: the retry schedule, the limits a
/// statement runs with, and the directives files set them with.
@Suite struct LockRetryPolicyTests {
    @Test func theBackoffDoublesFromOneSecondWithJitterUpToItsCap() {
        let policy = LockRetryPolicy(maxAttempts: 20, giveUpAfter: .seconds(3600))
        #expect((1...7).map { policy.delay(afterAttempt: $0, elapsed: .zero, jitter: 0.5) }
                == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        #expect(policy.delay(afterAttempt: 1, elapsed: .zero, jitter: 0) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 1, elapsed: .zero, jitter: 1) == .milliseconds(1500))
        #expect(policy.delay(afterAttempt: 3, elapsed: .zero, jitter: 7) == .seconds(6), "jitter is clamped to 0...1")
    }

    @Test func itGivesUpAfterTheAttemptsOrTheTime() {
        let policy = LockRetryPolicy(maxAttempts: 3, giveUpAfter: .seconds(10))
        #expect(policy.delay(afterAttempt: 2, elapsed: .seconds(1), jitter: 0.5) == .seconds(2))
        #expect(policy.delay(afterAttempt: 3, elapsed: .seconds(1), jitter: 0.5) == nil, "three attempts made")
        #expect(policy.delay(afterAttempt: 1, elapsed: .milliseconds(9500), jitter: 0.5) == nil, "the next one would start past 10 s")
        #expect(LockRetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func defaultsAreTenAttemptsWithinFiveMinutesAndFiveSecondLockWaits() {
        #expect(LockRetryPolicy().maxAttempts == 10)
        #expect(LockRetryPolicy().giveUpAfter == .seconds(300))
        #expect(StatementTimeouts().lockTimeout == .seconds(5))
        #expect(StatementTimeouts().statementTimeout == nil)
        #expect(Migrator(config: PGConfig(user: "u", database: "d"), directory: MigrationDirectory(path: "/nowhere")).statementTimeouts == StatementTimeouts())
    }
}

@Suite struct StatementTimeoutsTests {
    @Test func settingsAreMillisecondsAndLeaveUnsetOnesToTheServer() {
        #expect(StatementTimeouts().settings == ["lock_timeout": "5000ms"])
        #expect(StatementTimeouts(lockTimeout: .zero, statementTimeout: .milliseconds(1500)).settings
                == ["lock_timeout": "0ms", "statement_timeout": "1500ms"])
        #expect(StatementTimeouts(lockTimeout: nil).settings.isEmpty)
    }

    @Test func aFileOverridesTheDeploysLimits() {
        let deploy = StatementTimeouts(lockTimeout: .seconds(5), statementTimeout: .seconds(60))
        let file = MigrationDirectives(lockTimeout: .seconds(10))
        #expect(deploy.overridden(by: file) == StatementTimeouts(lockTimeout: .seconds(10), statementTimeout: .seconds(60)))
        #expect(deploy.overridden(by: MigrationDirectives(statementTimeout: .zero)).statementTimeout == .zero)
    }

    @Test func concurrentStatementsWaitForLocksWithoutLimit() {
        let limits = StatementTimeouts(lockTimeout: .seconds(5), statementTimeout: .seconds(60))
        #expect(limits.forStatement(runningConcurrently: true) == StatementTimeouts(lockTimeout: .zero, statementTimeout: .seconds(60)))
        #expect(limits.forStatement(runningConcurrently: false) == limits)
    }

    @Test(arguments: [
        ("CREATE INDEX CONCURRENTLY a ON t (x)", true), ("create unique index concurrently if not exists a on t (x)", true),
        ("DROP INDEX CONCURRENTLY IF EXISTS a", true), ("REINDEX INDEX CONCURRENTLY a", true), ("REINDEX (VERBOSE) TABLE CONCURRENTLY t", true),
        ("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY", true), ("CREATE INDEX a ON t (concurrently)", false),
        ("SELECT 'CREATE INDEX CONCURRENTLY'", false), ("-- CREATE INDEX CONCURRENTLY\nCREATE INDEX a ON t (x)", false),
    ])
    func recognisesStatementsThatRunConcurrently(_ sql: String, _ concurrent: Bool) {
        #expect(ConcurrentStatement.runsConcurrently(sql) == concurrent)
    }
}

@Suite struct MigrationDirectivesTests {
    func directives(_ sql: String) throws -> MigrationDirectives { try MigrationDirectives.parse(sql, file: "0004_x.up.sql") }

    @Test func readsTheHeadersDirectives() throws {
        let sql = "-- dbctl:no-transaction\n-- Adds an index.\n\n-- dbctl:lock-timeout 10s\n--dbctl:statement-timeout off\r\nCREATE INDEX CONCURRENTLY a ON t (x);\n"
        #expect(try directives(sql) == MigrationDirectives(runsOutsideTransaction: true, lockTimeout: .seconds(10), statementTimeout: .zero))
        #expect(try directives("CREATE TABLE t (x int);") == MigrationDirectives())
    }

    @Test func directivesAfterTheHeaderAreNotTheFilesAndLintIgnoresAreTheLints() throws {
        #expect(try directives("-- dbctl:lint-ignore index-not-concurrent tiny\nCREATE INDEX a ON t (x);\n-- dbctl:lock-timeout 1s\n")
                == MigrationDirectives())
    }

    @Test(arguments: [
        ("-- dbctl:lock-timeout 5000\nSELECT 1;", 1, "takes a duration"),
        ("-- dbctl:statement-timeout soon\nSELECT 1;", 1, "takes a duration"),
        ("-- about\n-- dbctl:no-transaction\nSELECT 1;", 2, "must be the file's first line"),
        ("--dbctl:no-transaction\nSELECT 1;", 1, "write the first line exactly as -- dbctl:no-transaction"),
        ("-- dbctl:lock_timeout 5s\nSELECT 1;", 1, "unknown directive dbctl:lock_timeout"),
        ("-- dbctl:lock-timeout 5s\n-- dbctl:lock-timeout 6s\nSELECT 1;", 2, "given twice"),
    ])
    func refusesWhatItCannotHonour(_ sql: String, _ line: Int, _ reason: String) {
        #expect {
            try directives(sql)
        } throws: { error in
            guard case MigratorError.invalidDirective(let file, let errorLine, let text) = error else { return false }
            return file == "0004_x.up.sql" && errorLine == line && text.contains(reason)
                && "\(error)".contains("0004_x.up.sql:\(line):") && "\(error)".contains("nothing was applied")
        }
    }

    @Test func theHeaderScanStopsAtTheFirstStatement() {
        let sql = "-- dbctl:lock-timeout 5s\nSELECT 1;\n" + String(repeating: "-- dbctl:nonsense\n", count: 3)
        #expect(MigrationDirectives.header(sql).endLine == 2)
        #expect(MigrationDirectives.header(sql).directives.map(\.name) == ["lock-timeout"])
        #expect(MigrationDirectives.header("-- only\n-- comments").endLine == 3)
    }
}

@Suite struct LockWaitDescriptionTests {
    @Test func namesTheHoldersPidStateAndQuery() {
        let holder = BlockingSession(pid: 4242, applicationName: "api", user: "chat_api", state: "idle in transaction",
                                     running: .seconds(12), query: "SELECT count(*)\n    FROM messages")
        let wait = LockWait(mode: "AccessExclusiveLock", relation: "messages", blockers: [holder])
        #expect(wait.description == "AccessExclusiveLock on messages, held by pid 4242 (app \"api\", user chat_api, idle in transaction for 12s): SELECT count(*) FROM messages")
        let hidden = BlockingSession(pid: 7, applicationName: "", user: "other", state: nil, running: nil, query: nil)
        #expect(hidden.description == "pid 7 (user other, state hidden: needs pg_read_all_stats)")
        #expect(BlockingSession.oneLine(String(repeating: "x ", count: 80), limit: 10) == "x x x x x …")
    }
}
