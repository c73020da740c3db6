import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// A server that is alive but not reading: a COPY whose first row waits for another
/// transaction's uncommitted row with the same key. The backend stops reading, its receive
/// window closes, the client's sends stop; every window probe is still acknowledged.
@Suite struct ServerNotReadingTests {
    static let database = SuiteDatabase("server_not_reading")

    /// About 20 MB of rows, well past what both sockets' buffers hold; the first waits for the
    /// row `holder` inserted with the same key.
    static func rows() -> [[any PGEncodable]] {
        let pad = String(repeating: "p", count: 1000)
        return (1...20_000).map { index in [Int64(index), pad] }
    }

    /// Holds key 1 in an open transaction, starts the COPY on `config`, and after `hold`
    /// rolls the holder back; returns the COPY's outcome, how long it took to end, and whether its
    /// backend was seen waiting for the lock.
    static func copyBehindALock(_ config: PGConfig, table: String, hold: Duration) async throws -> (result: Result<Int, any Error>, seconds: Double, waitedForLock: Bool) {
        let admin = try await database.connect()
        try await admin.executeScript("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id int8 PRIMARY KEY, pad text)")
        let holder = try await database.connect()
        try await holder.executeScript("BEGIN; INSERT INTO \(table) VALUES (1, 'held')")
        let copier = try await PGConnection.connect(config)
        let copierPID = copier.backendPID
        let started = ContinuousClock.now
        let copy = Task { () -> (Result<Int, any Error>, ContinuousClock.Instant) in
            do {
                let count = try await copier.copyIn(table: table, columns: ["id", "pad"], rows: rows())
                return (.success(count), .now)
            } catch {
                return (.failure(error), .now)
            }
        }
        var waitedForLock = false
        while ContinuousClock.now - started < hold {
            try await Task.sleep(for: .milliseconds(250))
            let waiting = try await admin.query("SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = \(Int(copierPID))").scalar(Bool.self)
            waitedForLock = waitedForLock || waiting == true
        }
        try await holder.executeScript("ROLLBACK")
        let (result, finished) = await copy.value
        let elapsed = finished - started
        await copier.close()
        await holder.close()
        await admin.close()
        return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, waitedForLock)
    }

    @Test func aCopyWaitingForALockLongerThanThePeerSilenceTimeoutFinishesWithEveryRow() async throws {
        // The defaults: a peer silence timeout of 15 s, no kernel `tcp_user_timeout`.
        let config = try await Self.database.configuration()
        #expect(config.peerSilenceTimeout == .seconds(15))
        let outcome = try await Self.copyBehindALock(config, table: "copied_behind_lock", hold: .seconds(18))
        #expect(outcome.waitedForLock, "the COPY's backend waited for the held key")
        #expect(try outcome.result.get() == 20_000, "took \(outcome.seconds) s")
        #expect(outcome.seconds >= 18)
        let stored = try await Self.database.withConnection { conn in
            try await conn.query("SELECT count(*), sum(length(pad)) FROM copied_behind_lock").map { (try $0.decode(Int.self, at: 0), try $0.decode(Int.self, at: 1)) }
        }
        #expect(stored.first?.0 == 20_000)
        #expect(stored.first?.1 == 20_000 * 1000)
    }

    /// Why PGKit no longer sets `tcp_user_timeout`: the kernel's timeout counts a closed window
    /// whose probes are answered, and kills the same healthy COPY.
    @Test func theKernelsUserTimeoutKillsTheSameCopyThatIsWhyPGKitDoesNotSetIt() async throws {
        var config = try await Self.database.configuration()
        config["tcp_user_timeout"] = "3000"
        config.peerSilenceTimeout = nil
        let outcome = try await Self.copyBehindALock(config, table: "copied_behind_lock_kernel", hold: .seconds(8))
        #expect(outcome.waitedForLock)
        guard case .failure(let error) = outcome.result else {
            Issue.record("the kernel let a COPY whose window stayed closed 8 s live; this test no longer shows why PGKit watches acknowledgements itself")
            return
        }
        #expect((error as? PGError)?.kind == .connectionLost, "\(error)")
        #expect(outcome.seconds < 8, "it died at the kernel's 3 s, before the lock was released")
    }
}
