import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Swift enums as PostgreSQL enum columns, resolved by name on each connection.
@Suite struct EnumTests {
    static let database = SuiteDatabase("enums")

    enum Mood: String, PGEnum, CaseIterable {
        static let pgEnumTypeName = "mood"
        case sad, ok, happy
        case veryHappy = "very happy"
        case coffee = "日本 ☕"
        case quoted = "it's \"quoted\""
        case accented = "Ünïcödé"
        case empty = ""
    }

    /// Knows only some of the labels.
    enum FewMoods: String, PGEnum {
        static let pgEnumTypeName = "mood"
        case sad
    }

    enum LateMood: String, PGEnum {
        static let pgEnumTypeName = "Late Mood"
        case early, late
    }

    /// The enum type and a table using it, created once for the suite's tests.
    static let mood = Task {
        try await database.withConnection { conn throws in
            try await conn.executeScript("""
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'very happy', '日本 ☕', 'it''s "quoted"', 'Ünïcödé', '');
                CREATE TABLE people (name text PRIMARY KEY, mood mood, moods mood[]);
                """)
        }
    }

    @Test func everyLabelRoundTripsAndPrintsAsItsRawValue() async throws {
        try await Self.mood.value
        // A new connection finds the type when it connects.
        try await Self.database.withConnection { conn throws in
            for mood in Mood.allCases {
                let row = try #require(try await conn.query("SELECT \(mood), format('%s', \(mood)), pg_typeof(\(mood))::text").first)
                #expect(try row.decode(Mood.self, at: 0) == mood)
                #expect(try row.decode(String.self, at: 1) == mood.rawValue)
                #expect(try row.decode(String.self, at: 2) == "mood")
            }
            let server = try await conn.query("SELECT m, format('%s', m) FROM unnest(enum_range(NULL::mood)) AS m").map { row throws(PGError) in
                (try row.decode(Mood.self, at: 0), try row.decode(String.self, at: 1))
            }
            #expect(server.map(\.0) == Mood.allCases)
            #expect(server.allSatisfy { $0.0.rawValue == $0.1 })
            try await conn.execute("INSERT INTO people VALUES ('ada', \(Mood.coffee), \([Mood.sad, .veryHappy, .empty])) ON CONFLICT DO NOTHING")
            let (mood, moods) = try #require(try await conn.query("SELECT mood, moods FROM people WHERE name = 'ada'").first).decode((Mood?, [Mood]).self)
            #expect(mood == .coffee && moods == [.sad, .veryHappy, .empty])
            try await conn.copyIn(table: "people", columns: ["name", "mood", "moods"], rows: [["grace", Mood.accented, [Mood.ok, .quoted]]])
            #expect(try await conn.query("SELECT moods FROM people WHERE name = 'grace'").scalar([Mood].self) == [.ok, .quoted])
            let optional: [Mood?] = [nil, .ok]
            #expect(try await conn.query("SELECT \(optional)").scalar([Mood?].self) == optional)
        }
    }

    @Test func aLabelTheSwiftEnumLacksIsATypedErrorNamingIt() async throws {
        try await Self.mood.value
        try await Self.database.withConnection { conn throws in
            let row = try #require(try await conn.query("SELECT 'very happy'::mood, 'sad'::mood, 'sad'::text, 1::int4").first)
            do {
                _ = try row.decode(FewMoods.self, at: 0)
                Issue.record("an unknown label decoded")
            } catch let error as PGError {
                #expect(error.kind == .decodingFailed)
                #expect(error.message.contains("\"very happy\"") && error.message.contains("FewMoods"), "\(error)")
            }
            #expect(try row.decode(FewMoods.self, at: 1) == .sad)
            #expect(throws: PGError.self) { try row.decode(Mood.self, at: 2) }
            #expect(throws: PGError.self) { try row.decode(Mood.self, at: 3) }
            #expect(throws: PGError.self) { try row.decode(LateMood.self, at: 1) }
        }
    }

    @Test func aTypeCreatedAfterConnectingIsFoundWhenFirstSent() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TYPE IF EXISTS \"Late Mood\" CASCADE")
            await #expect(throws: PGError.self) { _ = try await conn.query("SELECT \(LateMood.late)") }
            try await conn.executeScript("CREATE TYPE \"Late Mood\" AS ENUM ('early', 'late')")
            #expect(try await conn.query("SELECT \(LateMood.late)").scalar(LateMood.self) == .late)
            #expect(try await conn.query("SELECT \([LateMood.early])").scalar([LateMood].self) == [.early])
            // A label the database type lacks is the server's error.
            try await conn.executeScript("CREATE TYPE late_few AS ENUM ('early')")
            enum Few: String, PGEnum { static let pgEnumTypeName = "late_few"; case early, late }
            await #expect(throws: PGError.self) { _ = try await conn.query("SELECT \(Few.late)") }
            #expect(try await conn.query("SELECT \(Few.early)").scalar(Few.self) == .early)
        }
    }
}
