import Foundation
import PGKit
import PGKitTestSupport
import Testing

@Suite struct PGConnectionTests {
    static let database = SuiteDatabase("connection")

    @Test func reportsServerVersionAndParameterStatus() async throws {
        try await Self.database.withConnection { conn throws in
            #expect(conn.serverVersion >= 150_000)
            #expect(try await conn.parameterStatus("server_encoding") == "UTF8")
            #expect(try await conn.parameterStatus("application_name") == "pgkit")
            #expect(try await conn.query("SELECT pg_backend_pid()").scalar(Int32.self) == conn.backendPID)
        }
    }

    @Test func explicitAndInterpolatedFormsBindTheSame() async throws {
        try await Self.database.withConnection { conn throws in
            let name = "Ada"
            let viaInterpolation = try await conn.query("SELECT \(name)::text || \("!")").scalar(String.self)
            let viaArray = try await conn.query("SELECT $1::text || $2", [name, "!"]).scalar(String.self)
            #expect(viaInterpolation == "Ada!")
            #expect(viaArray == viaInterpolation)
        }
    }

    @Test func executeReturnsAffectedRows() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS counted (n int)")
            try await conn.executeScript("TRUNCATE counted")
            #expect(try await conn.execute("INSERT INTO counted SELECT generate_series(1, 7)") == 7)
            #expect(try await conn.execute("UPDATE counted SET n = n + 1 WHERE n > \(Int32(4))") == 3)
            #expect(try await conn.execute("DELETE FROM counted") == 7)
        }
    }

    struct Person: Decodable, Equatable { var id: Int64; var fullName: String; var createdAt: Date; var nickname: String?; var meta: Meta }
    struct Meta: Codable, Equatable { var langs: [String] }
    struct Point: PGRowDecodable { var x: Int32, y: Int32
        init(row: PGRow) throws { (x, y) = try row.decode((Int32, Int32).self) }
    }

    @Test func rowsDecodeIntoTuplesDecodablesAndRowDecodables() async throws {
        try await Self.database.withConnection { conn throws in
            let created = Date(timeIntervalSince1970: 1_700_000_000)
            let rows = try await conn.query("""
                SELECT 1::int8 AS id, 'Ada Lovelace' AS full_name, \(created) AS created_at, NULL::text AS nickname,
                       '{"langs": ["en", "fr"]}'::jsonb AS meta
                """)
            #expect(try rows.decode(Person.self) == [Person(id: 1, fullName: "Ada Lovelace", createdAt: created, nickname: nil, meta: Meta(langs: ["en", "fr"]))])
            let (id, name) = try #require(try await conn.query("SELECT 5::int8, 'x'::text").first).decode((Int64, String).self)
            #expect(id == 5 && name == "x")
            let points = try await conn.query("SELECT g, g * 2 FROM generate_series(1, 3) g").decode(Point.self)
            #expect(points.map(\.y) == [2, 4, 6])
            #expect(throws: PGError.self) { try rows.first!.decode((Int64, String).self) }
        }
    }

    @Test func preparedStatementsAreReusedAndSurviveSchemaChanges() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TABLE IF EXISTS evolving; CREATE TABLE evolving (a int); INSERT INTO evolving VALUES (1)")
            for _ in 0..<3 { #expect(try await conn.query("SELECT * FROM evolving").count == 1) }
            try await conn.executeScript("ALTER TABLE evolving ADD COLUMN b int")
            // The cached plan's result type changed: the first call reports it, the next re-prepares.
            _ = try? await conn.query("SELECT * FROM evolving")
            #expect(try await conn.query("SELECT * FROM evolving").columns.count == 2)
        }
    }

    @Test func cancellingTheTaskCancelsTheServerQuery() async throws {
        try await Self.database.withConnection { conn throws in
            let started = ContinuousClock.now
            let sleeper = Task { try await conn.query("SELECT pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            sleeper.cancel()
            do {
                _ = try await sleeper.value
                Issue.record("the sleep should have been cancelled")
            } catch let error as PGError {
                #expect(error.sqlState == .queryCanceled)
            }
            // queryCanceled is the server's own word; the bound is far short of the 30 s sleep
            // and loose enough for a CI machine running every suite at once.
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await conn.query("SELECT 42").scalar(Int.self) == 42)
        }
    }

    @Test func aStreamedMillionRowQueryRunsInBoundedMemory() async throws {
        try await Self.database.withConnection { conn throws in
            var afterWarmUp = 0
            var peak = 0
            var count = 0
            var sum: Int64 = 0
            // 500-byte rows: keeping a million of them would take well over 500 MB.
            for try await row in conn.stream("SELECT g::int8, repeat('x', 500) FROM generate_series(1, 1000000) g") {
                sum += try row.decode(Int64.self, at: 0)
                count += 1
                if count == 200_000 { afterWarmUp = residentMemoryBytes() }
                if count > 200_000, count % 100_000 == 0 { peak = max(peak, residentMemoryBytes()) }
            }
            #expect(count == 1_000_000)
            #expect(sum == 500_000_500_000)
            // Other suites run in this process at the same time, so allow them some room.
            #expect(peak - afterWarmUp < 100 * 1024 * 1024, "grew by \((peak - afterWarmUp) / 1024 / 1024) MB over 800,000 rows")
        }
    }

    @Test func leavingAStreamEarlyCancelsItAndKeepsTheConnection() async throws {
        try await Self.database.withConnection { conn throws in
            var seen = 0
            for try await _ in conn.stream("SELECT g FROM generate_series(1, 10000000) g") {
                seen += 1
                if seen == 1000 { break }
            }
            #expect(seen == 1000)
            let started = ContinuousClock.now
            #expect(try await conn.query("SELECT 7").scalar(Int.self) == 7)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func closedConnectionsFailWithATypedError() async throws {
        let conn = try await Self.database.connect()
        await conn.close()
        await conn.close()
        await #expect(throws: PGError.self) { try await conn.query("SELECT 1") }
        #expect(conn.isClosed)
    }

    @Test func wrongPasswordFailsWithoutShowingIt() async throws {
        var config = try await Self.database.configuration()
        config = config.withUser("no_such_role_xyz", password: "TopSecret-123")
        do {
            _ = try await PGConnection.connect(config)
            Issue.record("connecting as a missing role should fail")
        } catch let error as PGError {
            #expect(error.kind == .connectionFailed)
            #expect(!"\(error)".contains("TopSecret-123"))
        }
    }
}

func residentMemoryBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

@Suite struct ConnectionThreadAffinityTests {
    static let database = SuiteDatabase("affinity")

    @Test func statementsRunDirectlyOnTheConnectionThread() async throws {
        try await Self.database.withConnection { conn throws in
            let total = try await conn.withConnectionThread {
                var total: Int64 = 0
                for value in 1...200 { total += try await conn.query("SELECT \(Int64(value))").scalar(Int64.self)! }
                try await conn.transaction { tx in try await tx.execute("CREATE TEMP TABLE pinned (x int)") }
                return total
            }
            #expect(total == 20_100)
            // Other tasks can use the connection at the same time; their work is queued.
            async let other = conn.query("SELECT 7").scalar(Int.self)
            let pinned = try await conn.withConnectionThread { try await conn.query("SELECT 8").scalar(Int.self) }
            #expect(try await other == 7 && pinned == 8)
        }
    }

    @Test func cancellationStillReachesTheServer() async throws {
        try await Self.database.withConnection { conn throws in
            let started = ContinuousClock.now
            let task = Task { try await conn.withConnectionThread { try await conn.query("SELECT pg_sleep(30)") } }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            await #expect(throws: PGError.self) { try await task.value }
            #expect(ContinuousClock.now - started < .seconds(10), "far short of the 30 s sleep")
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test func streamingInsideIsRefusedInsteadOfDeadlocking() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.withConnectionThread {
                await #expect(throws: PGError.self) {
                    for try await _ in conn.stream("SELECT generate_series(1, 10)") {}
                }
            }
            var count = 0
            for try await _ in conn.stream("SELECT generate_series(1, 10)") { count += 1 }
            #expect(count == 10)
        }
    }
}
