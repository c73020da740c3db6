import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Statements are sent from the caller's thread and the connection's thread is woken by the
/// server's reply; other work (scripts, pipelines, streams) is queued on that thread. These
/// tests mix the two on one connection and feed it input nobody asked for. (The first one
/// found that a pipeline run after a stream got its first statement's rows in libpq's
/// single-row mode.)
@Suite struct ConnectionThreadTests {
    static let database = SuiteDatabase("connection_thread")

    @Test func tasksSharingOneConnectionEachGetTheirOwnReplies() async throws {
        try await Self.database.withConnection { conn throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for step in 0..<150 {
                            let value = Int64(worker * 1_000 + step)
                            switch step % 10 {
                            case 3:
                                try await conn.executeScript("SELECT 1")
                            case 6:
                                var pipeline = PGPipeline()
                                pipeline.append("SELECT \(value)")
                                pipeline.append("SELECT \(value + 1)")
                                let results = try await conn.execute(pipeline).map { try $0.get().scalar(Int64.self) }
                                #expect(results == [value, value + 1])
                            case 9:
                                var streamed: [Int64] = []
                                for try await row in conn.stream("SELECT \(value) + g FROM generate_series(0, 2) g") {
                                    streamed.append(try row.decode(Int64.self, at: 0))
                                }
                                #expect(streamed == [value, value + 1, value + 2])
                            default:
                                let row = try await conn.query("SELECT \(value)::int8, \("w\(worker)")::text").first
                                let (number, text) = try #require(row).decode((Int64, String).self)
                                #expect(number == value && text == "w\(worker)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func notificationsArrivingWhileIdleDoNotConfuseTheNextStatement() async throws {
        let listener = try await Self.database.connect()
        let notifier = try await Self.database.connect()
        try await listener.executeScript("LISTEN pgkit_idle_input")
        for round in 0..<5 {
            try await notifier.executeScript("NOTIFY pgkit_idle_input, 'round \(round)'")
            try await Task.sleep(for: .milliseconds(50))  // the notification lands while the listener is idle
            #expect(try await listener.query("SELECT \(Int32(round))::int4").scalar(Int32.self) == Int32(round))
        }
        #expect(!listener.isBroken)
        await listener.close()
        await notifier.close()
    }

    @Test func aParameterTooLargeToSendAtOnceStillGoesThrough() async throws {
        try await Self.database.withConnection { conn throws in
            let large = String(repeating: "0123456789abcdef", count: 1 << 20)  // 16 MiB, far past the socket buffer
            _ = try await conn.query("SELECT \("warm")::text")  // prepared statements take the direct path
            for _ in 0..<2 {
                #expect(try await conn.query("SELECT length(\(large)::text)").scalar(Int.self) == large.utf8.count)
            }
        }
    }

    @Test func cancellingATaskStopsADirectlySentStatementOnTheServer() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.query("SELECT pg_sleep(\(0.0))")  // prepared now, so the next one is sent directly
            let started = ContinuousClock.now
            let task = Task { try await conn.query("SELECT pg_sleep(\(30.0))") }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let error = await #expect(throws: PGError.self) { try await task.value }
            #expect(error?.sqlState == .queryCanceled || error?.kind == .cancelled, "\(String(describing: error))")
            #expect(ContinuousClock.now - started < .seconds(10), "far short of the 30 s sleep")
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test func serverErrorsOnTheDirectPathCarryTheirStateAndLeaveTheConnectionUsable() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TEMP TABLE unique_things (id int PRIMARY KEY)")
            for attempt in 0..<3 {
                try await conn.execute("INSERT INTO unique_things VALUES (\(Int32(attempt)))")
                let error = await #expect(throws: PGError.self) { try await conn.execute("INSERT INTO unique_things VALUES (\(Int32(attempt)))") }
                #expect(error?.sqlState == .uniqueViolation)
            }
            #expect(try await conn.query("SELECT count(*) FROM unique_things").scalar(Int.self) == 3)
            #expect(!conn.hasOpenServerTransaction)
        }
    }
}
