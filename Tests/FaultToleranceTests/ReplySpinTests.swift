import Foundation
import LocalPostgres
import PGKit
import PGKitTestSupport
import Testing

/// A statement the process waits for alone watches its socket for the reply before sleeping
/// (`PGConfig.replySpinLimit`), so a fast reply costs its thread no sleep and wake-up; a
/// statement with others in flight sleeps at once. Measured from outside the library: a probe
/// process of its own (so no other test's statements are in flight) reports its connection
/// thread's voluntary context switches and CPU time, as the kernel counts them. (Without the
/// spin, how often a thread sleeps depends on the machine's load, so only CPU time tells
/// whether it spun.)
@Suite struct ReplySpinTests {
    static let database = SuiteDatabase("reply_spin")

    struct Report: Decodable {
        let statements: Int
        let sleeps: Int
        let cpu_ms: Int
    }

    /// The suite database's URL with `settings` added to its query.
    static func url(with settings: String) async throws -> String {
        let url = try await database.configuration().url
        return url + (url.contains("?") ? "&" : "?") + settings
    }

    static func run(_ settings: String, statements: Int = 400, sleepMilliseconds: Int = 0, busy: Bool = false) async throws -> Report {
        var arguments = ["spin", try await url(with: settings), "\(statements)", "\(sleepMilliseconds)"]
        if busy { arguments.append("busy") }
        return try await FaultProbeRun.report(arguments)
    }

    @Test func aStatementWaitingAloneCatchesItsReplyWithoutSleeping() async throws {
        // A generous limit, so that a machine loaded by the other tests still answers within it.
        let spinning = try await Self.run("reply_spin=50ms")
        #expect(spinning.statements == 400)
        #expect(spinning.sleeps < 100, "the connection thread slept \(spinning.sleeps) times in 400 statements")
    }

    struct PoolAloneReport: Decodable {
        let statements: Int
        let switches: Int
        let wrong: Int
        let errors_right: Int
        let large_right: Int
        let replaced: String
    }

    @Test func aLoneTasksPoolStatementsAreReadOnItsOwnThreadAndItsIdleConnectionIsStillWatched() async throws {
        // A task alone in its process (a probe of its own) watches for each quick reply itself
        // and reads it, so neither the connection's thread nor the task's sleeps and wakes per
        // statement (about two voluntary switches per statement without it). A generous watch
        // limit, so that a machine loaded by the other tests still answers within it.
        let report: PoolAloneReport = try await FaultProbeRun.report(["pool-alone", try await Self.url(with: "reply_spin=50ms"), "400"])
        #expect(report.statements == 400)
        #expect(report.switches < 100, "\(report.switches) voluntary context switches in 400 statements")
        #expect(report.wrong == 0, "answers that were not the caller's own: \(report.wrong)")
        #expect(report.errors_right == 40, "division-by-zero errors reported as such: \(report.errors_right) of 40")
        // A reply larger than one read arrives in pieces: the connection's thread collects it.
        #expect(report.large_right == 10)
        // The server ended the session while the connection was idle after replies read on
        // the task's thread: the pool notices before lending it, and the caller never sees it.
        #expect(report.replaced == "ok", "\(report.replaced)")
    }

    struct CancelReport: Decodable {
        let cancelled: String
        let cancelled_seconds: Double
        let timed_out: String
        let timed_out_seconds: Double
        let after: Int
    }

    @Test func aCancelAndAQueryTimeoutReachAStatementWhoseReplyIsWatchedFor() async throws {
        // With a 1 s watch, the connection's thread is spinning when the cancel (at 300 ms) and
        // the query timeout (500 ms) come: both must still stop the 5 s statement on the
        // server, and the connection must still work.
        let url = try await Self.database.configuration().url
        let report: CancelReport = try await FaultProbeRun.report(["spin-cancel", url])
        #expect(report.cancelled == "server 57014", "\(report)")
        #expect(report.cancelled_seconds < 4, "\(report)")
        #expect(report.timed_out == "server 57014", "\(report)")
        #expect(report.timed_out_seconds < 4, "\(report)")
        #expect(report.after == 42)
    }

    @Test func aStatementSpinsNoLongerThanItsLimitAndOnlyWhileNoOtherWaits() async throws {
        // Twenty 100 ms statements with the longest limit (1 s): each reply comes within it, so
        // a statement waiting alone spins all along (2 s of CPU on an idle machine, still a
        // good part of it on one loaded by the other tests), and one waiting while another
        // statement is in flight does not spin at all (a few milliseconds of CPU).
        let alone = try await Self.run("reply_spin=1000ms", statements: 20, sleepMilliseconds: 100)
        let shared = try await Self.run("reply_spin=1000ms", statements: 20, sleepMilliseconds: 100, busy: true)
        #expect(alone.cpu_ms > 60, "waiting alone, the connection thread used \(alone.cpu_ms) ms of CPU for 2 s of replies")
        #expect(shared.cpu_ms < 30, "with another statement in flight, the connection thread used \(shared.cpu_ms) ms of CPU")
        // Replies slower than the limit are not spun for past it: three misses pause the spin.
        let slow = try await Self.run("reply_spin=10ms", statements: 20, sleepMilliseconds: 50)
        #expect(slow.cpu_ms < 150, "replies slower than the 10 ms limit cost \(slow.cpu_ms) ms of CPU")
    }
}
