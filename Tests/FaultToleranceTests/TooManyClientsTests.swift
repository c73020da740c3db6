import Foundation
import LocalPostgres
import PGKit
import PGKitTestSupport
import Testing

/// A server that refuses connections (max_connections=5, a pool that wants 10): callers wait
/// for connections that free up instead of failing, and refused connects are backed off.
@Suite(.serialized) struct TooManyClientsTests {
    @Test func aPoolLargerThanTheServerServesEveryCallerFromTheConnectionsItGets() async throws {
        try await ServerFaultTests.withCluster { cluster, config in
            let admin = try await PGConnection.connect(config)
            try await admin.executeScript("ALTER SYSTEM SET max_connections = 5")
            await admin.close()
            try await cluster.stop()
            let restarted = try await cluster.start()
            let logFile = cluster.directory.appendingPathComponent("server.log")
            let refusalsBefore = Self.refusals(in: logFile)

            // 200 statements of 0.2 s over 5 connections take 8 s at best, and the last callers
            // wait most of that: a limit well above it, so a machine loaded by the other tests
            // does not time them out (the refused connects, not the wait, are under test).
            let pool = PGPool(config: restarted, configuration: .init(maxConnections: 10, acquireTimeout: .seconds(40)))
            let started = ContinuousClock.now
            let failures = await withTaskGroup(of: [String].self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        var errors: [String] = []
                        for _ in 0..<5 {
                            do { _ = try await pool.query("SELECT pg_sleep(0.2)") } catch { errors.append("\(error)") }
                        }
                        return errors
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            let elapsed = ContinuousClock.now - started
            let refused = Self.refusals(in: logFile) - refusalsBefore
            print("max_connections=5, pool of 10: \(200 - failures.count) of 200 queries completed in \(elapsed); \(refused) refused connects")
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            #expect(refused < 60, "connect retries are backed off: \(refused) refusals")
            let statistics = pool.statistics
            #expect(statistics.inUse == 0 && statistics.waiting == 0, "\(statistics)")
            #expect(statistics.open <= 5)
            await pool.shutdown()
        }
    }

    @Test func whenNoConnectionFreesUpTheTimeoutNamesTheRefusal() async throws {
        try await ServerFaultTests.withCluster { cluster, config in
            let admin = try await PGConnection.connect(config)
            try await admin.executeScript("ALTER SYSTEM SET max_connections = 4")
            await admin.close()
            try await cluster.stop()
            let restarted = try await cluster.start()
            var holders: [PGConnection] = []
            for _ in 0..<4 { holders.append(try await PGConnection.connect(restarted)) }
            let pool = PGPool(config: restarted, configuration: .init(maxConnections: 2, acquireTimeout: .milliseconds(1500)))
            let started = ContinuousClock.now
            do {
                _ = try await pool.query("SELECT 1")
                Issue.record("no connection can be had")
            } catch let error as PGError {
                #expect(error.kind == .poolTimeout)
                #expect(error.sqlState == .tooManyConnections, "\(error)")
                #expect(error.message.contains("too many clients"), "\(error)")
            }
            #expect(ContinuousClock.now - started >= .milliseconds(1400))
            #expect(pool.statistics.waiting == 0)
            // A connection that frees up on the server serves the next caller.
            await holders.removeLast().close()
            #expect(try await pool.query("SELECT 5").scalar(Int.self) == 5)
            await pool.shutdown()
            for holder in holders { await holder.close() }
        }
    }

    @Test func aMissingDatabaseFailsAtOnceInsteadOfWaiting() async throws {
        try await ServerFaultTests.withCluster { _, config in
            // (Trust authentication accepts any password here; a missing database is the
            // permanent failure this cluster can give.)
            let pool = PGPool(config: config.withDatabase("no_such_database"), configuration: .init(acquireTimeout: .seconds(20)))
            let started = ContinuousClock.now
            do {
                _ = try await pool.query("SELECT 1")
                Issue.record("the database does not exist")
            } catch let error as PGError {
                #expect(error.kind == .connectionFailed)
                #expect(error.sqlState == .invalidCatalogName)
            }
            #expect(ContinuousClock.now - started < .seconds(10), "far short of the 20 s acquire timeout")
            await pool.shutdown()
        }
    }

    static func refusals(in log: URL) -> Int {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return 0 }
        return text.components(separatedBy: "too many clients already").count - 1
    }
}
