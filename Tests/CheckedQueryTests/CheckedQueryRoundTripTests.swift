import Foundation
import PGKit
import Repositories
import Testing

/// The generated functions in Generated/, compiled into this target, run against a real server.
@Suite struct CheckedQueryRoundTripTests {
    static let database = MigratedDatabase("checked_queries_round_trip")

    @Test func everyMappedTypeRoundTripsThroughParametersAndColumns() async throws {
        try await Self.database.withConnection { connection in
            let at = Date(timeIntervalSince1970: 1_700_000_000.25)
            let day = Date(timeIntervalSince1970: 1_700_006_400)
            let id = UUID()
            let json: PGJSONValue = .object(["a": .array([.number(1), .string("x"), .null])])
            let vector = try PGVector([1, -2.5, 3])
            let row = try #require(try await connection.roundTrip(
                int2: -7, int4: 70_000, int8: 1 << 40, float4: 1.5, float8: -2.25, flag: true, text: "héllo 'quoted'",
                varchar: "v", uuid: id, at: at, day: day, json: json, bytes: Data([0, 255, 7]), amount: Decimal(string: "12345.6789")!,
                texts: ["a", "b c"], numbers: [1, -2], vector: vector, email: "Ann@Example.com", maybe: nil))
            #expect(row == RoundTripRow(
                int2: -7, int4: 70_000, int8: 1 << 40, float4: 1.5, float8: -2.25, flag: true, text: "héllo 'quoted'",
                varchar: "v", uuid: id, at: at, day: day, json: json, bytes: Data([0, 255, 7]), amount: Decimal(string: "12345.6789")!,
                texts: ["a", "b c"], numbers: [1, -2], vector: vector, email: "Ann@Example.com", maybe: nil))
            let some = try #require(try await connection.roundTrip(
                int2: 0, int4: 0, int8: 0, float4: 0, float8: 0, flag: false, text: "", varchar: "", uuid: id, at: at, day: day,
                json: .null, bytes: Data(), amount: 0, texts: [], numbers: [], vector: vector, email: "", maybe: "here"))
            #expect(some.maybe == "here")
        }
    }

    @Test func chatQueriesRunOnAPoolAConnectionAndATransaction() async throws {
        let pool = PGPool(config: try await Self.database.configuration())
        let user = try #require(try await pool.createUser(email: "checked@example.com", name: nil))
        #expect(user.email == "checked@example.com")
        #expect(user.name == nil)   // String? : users.name is nullable; id, email, createdAt are not

        // LEFT JOIN: no session yet gives one row whose session columns are nil.
        #expect(try await pool.sessionsOfUser(userId: user.id).map(\.sessionId) == [nil])
        let session = try await pool.transaction { connection in
            _ = try await connection.query("INSERT INTO sessions (user_id, title, tags) VALUES (\(user.id), 'first', '{x,y}')")
            return try #require(try await connection.sessionsOfUser(userId: user.id).first)
        }
        #expect(session.email == "checked@example.com")
        #expect(session.title == "first")
        #expect(session.tags == ["x", "y"])

        #expect(try await pool.renameUser(name: "Ann", id: user.id) == 1)
        #expect(try await pool.renameUser(name: "Nobody", id: UUID()) == 0)
        #expect(try await pool.nameOfUser(user.id)?.name == "Ann")
        await pool.shutdown()
    }

    @Test func aStreamQueryYieldsTypedRowsAsTheyArrive() async throws {
        try await Self.database.withConnection { connection in
            for index in 0..<600 { _ = try await connection.createUser(email: "stream\(1000 + index)@example.com", name: nil) }
            var emails: [String] = []
            for try await row in connection.emailsInOrder(pattern: "stream%") { emails.append(row.email) }
            #expect(emails.count == 600)
            #expect(emails.first == "stream1000@example.com" && emails == emails.sorted())
            // Stopping early leaves the connection usable.
            for try await _ in connection.emailsInOrder(pattern: "stream%") { break }
            #expect(try await connection.nameOfUser(UUID()) == nil)
        }
    }

    @Test func aNullArrivingInAForcedColumnThrowsATypedError() async throws {
        try await Self.database.withConnection { connection in
            let user = try #require(try await connection.createUser(email: "forced@example.com", name: nil))
            let error = try await #require(throws: PGError.self) { try await connection.nameOfUser(user.id) }
            #expect(error.kind == .decodingFailed)
            #expect(error.column == "name!")
            #expect(try await connection.nameOfUser(UUID()) == nil)   // :one with no row
        }
    }

    @Test func vectorColumnsOfATableDecodeAsTheirFixedDimensionType() async throws {
        try await Self.database.withConnection { connection in
            let user = try #require(try await connection.createUser(email: "vectors@example.com", name: nil))
            let near = try Vector384(Array(repeating: 0.5, count: 384))
            let far = try Vector384((0..<384).map { $0 % 2 == 0 ? 1 : -1 })
            for (content, embedding) in [("near", near), ("far", far)] {
                _ = try await connection.query("INSERT INTO memories (content, user_id, embedding) VALUES (\(content), \(user.id), \(embedding))")
            }
            let rows = try await connection.nearestMemories(probe: near.vector, userId: user.id, limit: 5)
            #expect(rows.map(\.content) == ["near", "far"])
            #expect(rows.first?.embedding == near)    // Vector384?
            #expect((rows.first?.distance ?? 1) < 0.001)
        }
    }
}
