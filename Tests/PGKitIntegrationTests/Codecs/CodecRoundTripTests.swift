import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Every codec sends a value to the server and reads it back unchanged, through the server's
/// own binary receive and send functions.
@Suite struct CodecRoundTripTests {
    static let database = SuiteDatabase("codecs")

    func roundTrip<T: PGCodable>(_ value: T, as sqlType: String) async throws -> T {
        try await Self.database.withConnection { conn throws in
            let result = try await conn.query("SELECT $1::\(sqlType)", [value])
            return try #require(result.first).decode(T.self, at: 0)
        }
    }

    @Test func integersKeepTheirExtremes() async throws {
        for value in [Int64.min, -1, 0, 1, Int64.max] { #expect(try await roundTrip(value, as: "int8") == value) }
        for value in [Int32.min, Int32.max] { #expect(try await roundTrip(value, as: "int4") == value) }
        for value in [Int16.min, Int16.max] { #expect(try await roundTrip(value, as: "int2") == value) }
        #expect(try await roundTrip(Int.max, as: "int8") == Int.max)
    }

    @Test func booleansAndFloatingPoint() async throws {
        #expect(try await roundTrip(true, as: "bool") == true)
        #expect(try await roundTrip(false, as: "bool") == false)
        for value in [Double.leastNonzeroMagnitude, -1.5, .greatestFiniteMagnitude, .infinity, -.infinity] {
            #expect(try await roundTrip(value, as: "float8") == value)
        }
        #expect(try await roundTrip(Double.nan, as: "float8").isNaN)
        #expect(try await roundTrip(Float(3.25), as: "float4") == 3.25)
        #expect(try await roundTrip(Float.greatestFiniteMagnitude, as: "float4") == .greatestFiniteMagnitude)
    }

    @Test func stringsOfEverySize() async throws {
        let megabyte = String(repeating: "abcdefghij", count: 104_858)
        for value in ["", "a", "Grüße, Željko — 日本語", "emoji 👩‍👩‍👧‍👦🚀🇫🇷", megabyte] {
            #expect(try await roundTrip(value, as: "text") == value)
        }
        #expect(try await roundTrip("varchar ü", as: "varchar") == "varchar ü")
        #expect(try await roundTrip("pg_class", as: "name") == "pg_class")
        #expect(try await roundTrip("Case Insensitive", as: "citext") == "Case Insensitive")
    }

    @Test func byteaHoldsEveryByteValue() async throws {
        let bytes = Data((0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })
        #expect(try await roundTrip(bytes, as: "bytea") == bytes)
        #expect(try await roundTrip(Data(), as: "bytea") == Data())
    }

    @Test func datesAcrossEpochsAndTimeZones() async throws {
        let dates = [
            Date(timeIntervalSince1970: -2_208_988_800),      // 1900-01-01
            Date(timeIntervalSince1970: -1.5),                  // just before 1970
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: 2_147_483_648),         // past 2038-01-19
            Date(timeIntervalSince1970: 4_102_444_800.123456),  // 2100, with microseconds
        ]
        for date in dates {
            let back = try await roundTrip(date, as: "timestamptz")
            #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
        }
        try await Self.database.withConnection { conn throws in
            // The session time zone changes how the server prints, never the instant.
            try await conn.executeScript("SET TIME ZONE 'Asia/Kathmandu'")
            let instant = Date(timeIntervalSince1970: 1_700_000_000)
            let row = try #require(try await conn.query(
                "SELECT \(instant)::timestamptz, to_char(\(instant)::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')").first)
            #expect(try row.decode(Date.self, at: 0) == instant)
            #expect(try row.decode(String.self, at: 1) == "2023-11-14 22:13:20")
            let day = try await conn.query("SELECT DATE '1969-07-20', TIMESTAMP '2040-02-29 12:00:00'").first!
            #expect(try day.decode(Date.self, at: 0) == Date(timeIntervalSince1970: -14_256_000))
            // A timestamp without time zone is a wall-clock time: outside UTC it is no instant.
            #expect(throws: PGError.self) { try day.decode(Date.self, at: 1) }
            #expect(try day.decode(PGTimestamp.self, at: 1).description == "2040-02-29 12:00:00")
            let infinite = try await conn.query("SELECT 'infinity'::timestamptz, '-infinity'::timestamptz").first!
            #expect(try infinite.decode(Date.self, at: 0) == .distantFuture)
            #expect(try infinite.decode(Date.self, at: 1) == .distantPast)
        }
    }

    @Test func uuidsAndDecimals() async throws {
        let id = UUID()
        #expect(try await roundTrip(id, as: "uuid") == id)
        for text in ["0", "1", "-1", "0.0001", "-123.4500", "10000", "99999999.99999999", "12345678901234567890.123456789", "1e-20"] {
            let value = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
            #expect(try await roundTrip(value, as: "numeric") == value, "numeric \(text)")
        }
        #expect(try await roundTrip(Decimal.nan, as: "numeric").isNaN)
        try await Self.database.withConnection { conn throws in
            let text = try await conn.query("SELECT (\(Decimal(string: "-123.4500")!)::numeric)::text").scalar(String.self)
            #expect(text == "-123.45")  // Decimal keeps the value, not trailing zeros
            let fromServer = try await conn.query("SELECT 3.14159265358979323846::numeric(30,20)").scalar(Decimal.self)
            #expect(fromServer == Decimal(string: "3.14159265358979323846"))
        }
    }

    struct Profile: Codable, Equatable, Sendable {
        var name: String
        var tags: [String]
        var nested: [String: [Int]]
    }

    @Test func jsonWithNestingAndUnicode() async throws {
        let profile = Profile(name: "Zoë 🌍 \"quoted\"", tags: ["a", "ß", ""], nested: ["x": [1, 2, 3], "y": []])
        #expect(try await roundTrip(PGJSONB(profile), as: "jsonb").value == profile)
        #expect(try await roundTrip(PGJSON(profile), as: "json").value == profile)
        let document: PGJSONValue = ["name": "Ada", "list": [1, 2.5, nil, true], "deep": ["k": ["é": "ü"]]]
        #expect(try await roundTrip(document, as: "jsonb") == document)
        let raw = PGRawJSON(#"{"b": 1, "a": [true, null]}"#)
        let back = try await roundTrip(raw, as: "jsonb")
        #expect(back.text == #"{"a": [true, null], "b": 1}"#)  // jsonb normalizes key order
    }

    @Test func arraysEmptyAndWithNulls() async throws {
        #expect(try await roundTrip([Int64](), as: "int8[]") == [])
        #expect(try await roundTrip([Int64.min, 0, Int64.max], as: "int8[]") == [Int64.min, 0, Int64.max])
        #expect(try await roundTrip(["a", nil, "ü", ""] as [String?], as: "text[]") == ["a", nil, "ü", ""])
        let ids = [UUID(), UUID()]
        #expect(try await roundTrip(ids, as: "uuid[]") == ids)
        #expect(try await roundTrip([true, false], as: "bool[]") == [true, false])
        #expect(try await roundTrip([1.5, -2.25], as: "float8[]") == [1.5, -2.25])
    }

    @Test func optionalsAreNull() async throws {
        try await Self.database.withConnection { conn throws in
            let none: Int64? = nil
            let row = try #require(try await conn.query("SELECT \(none)::int8 IS NULL, \(none)::int8").first)
            #expect(try row.decode(Bool.self, at: 0))
            #expect(try row.decode(Int64?.self, at: 1) == nil)
            #expect(try row.decode(Optional<Int64>.self, at: 1) == nil)
        }
    }

    @Test func vectorOf384DimensionsExactly() async throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<384).map { _ in Float.random(in: -1..<1, using: &generator) }
        let vector = try PGVector(values, dimensions: 384)
        try await Self.database.withConnection { conn throws in
            let row = try #require(try await conn.query("SELECT \(vector)::vector(384), vector_dims(\(vector)::vector)").first)
            #expect(try row.decode(PGVector.self, at: 0) == vector)
            #expect(try row.decode(Int32.self, at: 1) == 384)
            let text = try await conn.query("SELECT '[1,2.5,-3]'::vector").scalar(PGVector.self)
            #expect(text?.values == [1, 2.5, -3])
        }
    }
}
