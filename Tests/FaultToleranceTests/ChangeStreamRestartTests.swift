import Foundation
import LocalPostgres
import PGKit
import Testing

/// A change stream across a server that goes away while a writer commits: stopped fast, or
/// killed outright (recovery at the next start, the slot's position as last saved).
@Suite(.serialized) struct ChangeStreamRestartTests {
    /// Ids the writer committed (the commit returned) and ids whose commit failed (it may or may not have happened).
    actor WriterLog {
        var committed: [Int64] = []
        var uncertain: Set<Int64> = []
        func commit(_ id: Int64) { committed.append(id) }
        func fail(_ id: Int64) { uncertain.insert(id) }
    }

    @Test(arguments: [LocalCluster.StopMode.fast, .immediate])
    func aServerRestartLosesNoCommittedChangeAndRepeatsNoneInTheStream(mode: LocalCluster.StopMode) async throws {
        try await ServerFaultTests.withCluster { cluster, config in
            let setup = try await PGConnection.connect(config)
            try await setup.executeScript("CREATE TABLE ticks (id int8 PRIMARY KEY); CREATE PUBLICATION ticks_pub FOR TABLE ticks")
            await setup.close()
            let stream = try await PGChangeStream.connect(config, slot: "ticks_slot", publication: "ticks_pub",
                                                          options: .init(backoff: .init(initial: .milliseconds(100), maximum: .seconds(1))))
            let log = WriterLog()
            let total: Int64 = 300
            // One writer committing throughout, reconnecting while the server is down; an insert
            // whose commit was cut off is tried again (a unique violation: it had committed).
            let writer = Task {
                var conn: PGConnection?
                var id: Int64 = 1
                while id <= total {
                    do {
                        if conn == nil || conn!.isBroken { conn = try await PGConnection.connect(config) }
                        try await conn!.execute("INSERT INTO ticks VALUES (\(id))")
                        await log.commit(id)
                        id += 1
                    } catch let error as PGError where error.sqlState == .uniqueViolation {
                        await log.commit(id)
                        id += 1
                    } catch {
                        await log.fail(id)
                        conn = nil
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    if id % 10 == 0 { try await Task.sleep(for: .milliseconds(5)) }
                }
                await conn?.close()
            }
            while await log.committed.count < Int(total) / 3 { try await Task.sleep(for: .milliseconds(10)) }
            try await cluster.stop(mode: mode)
            try await Task.sleep(for: .milliseconds(300))
            _ = try await cluster.start()
            var delivered: [Int64] = []
            var pending: [Int64] = []
            var reconnected = 0
            let watchdog = Task {
                try await Task.sleep(for: .seconds(90))
                await stream.close()
            }
            for try await event in stream {
                switch event {
                case .begin: pending = []
                case .change(let change): if let id = try change.newRow?.decode(Int64.self, column: "id") { pending.append(id) }
                case .commit(let commit):
                    delivered += pending
                    stream.acknowledge(commit)
                case .reconnected: reconnected += 1; pending = []
                case .truncate: break
                }
                if delivered.last == total { break }
            }
            watchdog.cancel()
            try await writer.value
            let committed = await log.committed
            let uncertain = await log.uncertain
            #expect(delivered == committed, "every committed change, once, in commit order (commits cut off: \(uncertain.sorted()))")
            #expect(reconnected >= 1)
            #expect(stream.reconnections >= 1)
            await stream.close()
        }
    }
}
