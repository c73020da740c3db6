import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// A pool run as a service in a real process: SIGTERM lets in-flight statements finish (or,
/// past the grace period, cancels them) and the process exits 0 with every connection closed.
@Suite struct PoolServiceTests {
    static let database = SuiteDatabase("lifecycle")

    static var probePath: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pgkit-lifecycle-probe").path
    }

    /// Starts the probe and waits until its `workers` statements run on the server.
    func startProbe(workers: Int, sleep: Int, grace: Int, name: String) async throws -> (CommandRun.Running, PGConnection, String) {
        var config = try await Self.database.configuration()
        config["application_name"] = name
        let probe = try CommandRun.startProgram(Self.probePath, [config.url, String(workers), String(sleep), String(grace)])
        let watcher = try await Self.database.connect()
        for _ in 0..<1000 {
            let running = try await watcher.query("""
                SELECT count(*) FROM pg_stat_activity WHERE application_name = \(name) AND state = 'active' AND query LIKE '%pg_sleep%'
                """).scalar(Int.self)!
            if running == workers { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (probe, watcher, name)
    }

    func backends(_ watcher: PGConnection, _ name: String) async throws -> Int {
        try await watcher.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = \(name)").scalar(Int.self)!
    }

    /// The server's count of the probe's backends once they are gone: a backend leaves
    /// pg_stat_activity a moment after its client closed the socket, so this waits up to 10 s.
    func backendsAfterExit(_ watcher: PGConnection, _ name: String) async throws -> Int {
        var count = try await backends(watcher, name)
        for _ in 0..<500 where count > 0 {
            try await Task.sleep(for: .milliseconds(20))
            count = try await backends(watcher, name)
        }
        return count
    }

    @Test func sigtermLetsInFlightStatementsFinishThenExitsZeroWithConnectionsClosed() async throws {
        let (probe, watcher, name) = try await startProbe(workers: 3, sleep: 2, grace: 60, name: "pgkit-lifecycle-drain")
        #expect(try await backends(watcher, name) == 3)
        probe.signal(SIGTERM)
        let run = try await probe.wait()
        #expect(run.status == 0, "\(run.errorOutput)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.filter { $0.contains(#""outcome": "ok""#) }.count == 3, "\(run.output)")
        #expect(lines.last == #"{"stopped": true, "open": 0}"#)
        #expect(try await backendsAfterExit(watcher, name) == 0)
        await watcher.close()
    }

    @Test func pastTheGracePeriodStatementsAreCancelledAndTheProcessStillExitsZero() async throws {
        let (probe, watcher, name) = try await startProbe(workers: 2, sleep: 600, grace: 1, name: "pgkit-lifecycle-grace")
        probe.signal(SIGTERM)
        let run = try await probe.wait()
        #expect(run.status == 0, "\(run.errorOutput)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.filter { $0.contains(#""sqlstate": "57014""#) }.count == 2, "\(run.output)")
        #expect(lines.last == #"{"stopped": true, "open": 0}"#)
        #expect(try await backendsAfterExit(watcher, name) == 0)
        await watcher.close()
    }
}
