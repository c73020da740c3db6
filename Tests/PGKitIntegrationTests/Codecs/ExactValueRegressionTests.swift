import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Every case the exact-values issue found where PGKit returned or stored a different value
/// than the one stored or sent. Each must now be exact, or refused with a typed error.
@Suite struct ExactValueRegressionTests {
    static let database = SuiteDatabase("exact_values")

    func scalar<T: PGDecodable>(_ sql: PGQuery, as type: T.Type = T.self) async throws -> T {
        try await Self.database.withConnection { conn throws in try #require(try await conn.query(sql).first).decode(T.self, at: 0) }
    }

    func text(_ sql: PGQuery) async throws -> String { try await scalar(sql, as: String.self) }

    func expectDecodingFailure<T: PGDecodable>(_ sql: PGQuery, as type: T.Type, _ comment: Comment? = nil) async throws {
        do {
            _ = try await scalar(sql, as: T.self)
            Issue.record("\(sql.sql) read as \(T.self) should fail: \(comment?.description ?? "")")
        } catch let error as PGError {
            #expect(error.kind == .decodingFailed, "\(error)")
            #expect(error.column != nil, "the error names the column: \(error)")
        }
    }

    // 1. numeric of any precision
    @Test(arguments: ["999999999999999999999999999999999999999", "1234567890123456789012345678901234567890.5",
                      String(repeating: "9", count: 120), "-0.000000000000000000000000000000000000000001", "1.50", "0.0000"])
    func numericOfAnyPrecisionIsExactBothWays(_ literal: String) async throws {
        let read = try await scalar("SELECT \(unescaped: literal)::numeric", as: PGNumeric.self)
        #expect(read.description == literal)
        let value = try PGNumeric(parsing: literal)
        #expect(try await text("SELECT \(value)::text") == literal)
    }

    @Test func aNumericThatDecimalCannotHoldIsRefusedNotRounded() async throws {
        try await expectDecodingFailure("SELECT repeat('9', 39)::numeric", as: Decimal.self)
        try await expectDecodingFailure("SELECT 1234567890123456789012345678901234567890.5::numeric", as: Decimal.self)
        try await expectDecodingFailure("SELECT 'Infinity'::numeric", as: Decimal.self)
        #expect(try await scalar("SELECT 12345678901234567890123456789012345678::numeric", as: Decimal.self).description
                == "12345678901234567890123456789012345678")
        // Integers read from numeric only when exact.
        #expect(try await scalar("SELECT sum(x) FROM (VALUES (9223372036854775807::int8), (-1::int8)) v(x)", as: Int64.self) == .max - 1)
        try await expectDecodingFailure("SELECT 2.5::numeric", as: Int.self)
        try await expectDecodingFailure("SELECT 9223372036854775808::numeric", as: Int64.self)
    }

    // 2. arrays that are arrays
    @Test func aColumnThatIsNotAnArrayIsNotReadAsOne() async throws {
        try await expectDecodingFailure("SELECT '\\x0000000000000000'::bytea", as: [Int32?].self)
        try await expectDecodingFailure("SELECT '12:00:00+02'::timetz", as: [String].self)
        try await expectDecodingFailure("SELECT ARRAY[1, 2]::int8[]", as: [String].self, "elements of the wrong type")
        try await expectDecodingFailure("SELECT ARRAY[[1, 2], [3, 4]]::int4[]", as: [Int32].self, "two dimensions into one")
        try await expectDecodingFailure("SELECT '[0:1]={7,8}'::int4[]", as: [Int32].self, "a lower bound of 0 would be dropped")
        #expect(try await scalar("SELECT ARRAY[[1, 2], [3, 4]]::int4[]", as: [[Int32]].self) == [[1, 2], [3, 4]])
        let shifted = try await scalar("SELECT '[0:1]={7,8}'::int4[]", as: PGArray<Int32>.self)
        #expect(shifted.elements == [7, 8] && shifted.dimensions == [.init(count: 2, lowerBound: 0)])
        #expect(try await text("SELECT \(shifted)::int4[]::text") == "[0:1]={7,8}")
        #expect(try await text("SELECT \([[Int32(1), 2], [3, 4]])::text") == "{{1,2},{3,4}}")
    }

    // 3. numeric into Double: the nearest double
    @Test func numericIntoDoubleIsTheNearestDouble() async throws {
        let literals = ["1e100", "1e-10", "-0.00012345", "0.1", "0.3", "123456789.123456789", "2.2250738585072014e-308",
                        "1.7976931348623157e308", "4.9406564584124654e-324", "9007199254740993", "0.30000000000000004441",
                        "3.141592653589793238462643383279502884197", "1e22", "1e23", "8.98846567431158e307", "5e-324",
                        "123.456e-200", "-1.0000000000000002", "0.999999999999999999999999", "7.2057594037927933e16"]
        for literal in literals {
            let viaPGKit = try await scalar("SELECT \(unescaped: literal)::numeric", as: Double.self)
            let viaServer = try await scalar("SELECT \(unescaped: literal)::numeric::float8", as: Double.self)
            #expect(viaPGKit.bitPattern == viaServer.bitPattern, "\(literal): \(viaPGKit) vs the server's \(viaServer)")
            #expect(viaPGKit.bitPattern == Double(literal)!.bitPattern, "\(literal)")
        }
        try await expectDecodingFailure("SELECT 1e400::numeric", as: Double.self)
        try await expectDecodingFailure("SELECT 1e-400::numeric", as: Double.self)
    }

    // 4. infinity round-trips; 4001-01-01 is not confused with it
    @Test func infinityRoundTripsAndTheInstantItWouldBeConfusedWithIsRefused() async throws {
        #expect(try await text("SELECT \(Date.distantFuture)::text") == "infinity")
        #expect(try await text("SELECT \(Date.distantPast)::text") == "-infinity")
        #expect(try await scalar("SELECT 'infinity'::timestamptz", as: Date.self) == .distantFuture)
        #expect(try await scalar("SELECT '-infinity'::timestamp", as: Date.self) == .distantPast)
        #expect(try await scalar("SELECT 'infinity'::date", as: Date.self) == .distantFuture)
        try await expectDecodingFailure("SELECT '4001-01-01 00:00:00+00'::timestamptz", as: Date.self)
        #expect(try await scalar("SELECT '4001-01-01 00:00:00+00'::timestamptz", as: PGTimestamp.self).description == "4001-01-01 00:00:00")
        #expect(try await scalar("SELECT 'infinity'::timestamp", as: PGTimestamp.self) == .infinity)
        #expect(try await text("SELECT \(PGDate.negativeInfinity)::text") == "-infinity")
    }

    // 5. a session zone other than UTC never shifts a value
    @Test func timestampsNeverShiftWithTheSessionZone() async throws {
        let date = Date(timeIntervalSince1970: 1_764_590_400.123456)   // 2025-12-01 12:00:00.123456 UTC
        try await Self.database.withConnection { conn throws in
            #expect(try await conn.parameterStatus("TimeZone") == "UTC", "PGKit's default")
            try await conn.execute("CREATE TABLE IF NOT EXISTS zone_probe (id int PRIMARY KEY, plain timestamp, day date)")
            try await conn.execute("INSERT INTO zone_probe VALUES (1, \(date), \(date)) ON CONFLICT (id) DO UPDATE SET plain = EXCLUDED.plain, day = EXCLUDED.day")
            let (plain, day) = try #require(try await conn.query("SELECT plain, day FROM zone_probe WHERE id = 1").first).decode((Date, PGDate).self)
            #expect(plain == date)
            #expect(day.description == "2025-12-01")
        }
        var newYork = try await Self.database.configuration()
        newYork["options"] = "-c TimeZone=America/New_York"
        let conn = try await PGConnection.connect(newYork)
        #expect(try await conn.parameterStatus("TimeZone") == "America/New_York", "a zone the user sets is kept")
        do {
            _ = try #require(try await conn.query("SELECT plain FROM zone_probe WHERE id = 1").first).decode(Date.self, at: 0)
            Issue.record("a timestamp without time zone in another zone has no single instant")
        } catch let error as PGError {
            #expect(error.kind == .decodingFailed)
        }
        let wall = try #require(try await conn.query("SELECT plain FROM zone_probe WHERE id = 1").first).decode(PGTimestamp.self, at: 0)
        #expect(wall.description == "2025-12-01 12:00:00.123456")
        // timestamptz is an instant in any zone.
        #expect(try #require(try await conn.query("SELECT \(date)::timestamptz").first).decode(Date.self, at: 0) == date)
        await conn.close()
    }

    // 6. years 2300-9999 to the nearest microsecond
    @Test func datesFarInTheFutureAreStoredToTheNearestMicrosecond() async throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            let seconds = Double.random(in: 10_000_000_000...253_402_300_799, using: &generator)   // 2286 to 9999
            let date = Date(timeIntervalSince1970: seconds)
            let expected = PGTimestamp(microsecondsSince2000: ExactMicroseconds.nearest(to: date))
            #expect(try await text("SELECT \(date)::timestamp::text") == expected.description, "\(seconds)")
        }
    }

    // 7. JSON numbers exact, duplicate keys as jsonb resolves them
    @Test func jsonKeepsEveryDigitAndTheLastOfDuplicateKeys() async throws {
        let big = try await scalar("SELECT '{\"n\": 12345678901234567890, \"x\": [1e400]}'::jsonb", as: PGJSONValue.self)
        #expect(big["n"] == .number(PGJSONNumber(json: "12345678901234567890")!))
        guard case .array(let list)? = big["x"], case .number(let huge) = list.first else { Issue.record("\(big)"); return }
        #expect(huge.numericValue == (try PGNumeric(parsing: "1e400")))
        let sent: PGJSONValue = ["n": 12345678901234567890]
        #expect(try await text("SELECT (\(sent)->'n')::text") == "12345678901234567890")
        #expect(try await scalar("SELECT '{\"a\": 1, \"a\": 2}'::json", as: PGJSONValue.self) == ["a": 2])
        #expect(try await scalar("SELECT '{\"a\": 1, \"a\": 2}'::jsonb", as: PGJSONValue.self) == ["a": 2])
        do {
            _ = try PGJSONValue(parsing: "{\"a\": [1,]}")
            Issue.record("not JSON")
        } catch {
            #expect(error.kind == .decodingFailed && error.message.contains("byte"))
        }
    }

    @Test func precisionLossIsRefusedLikeRangeErrors() async throws {
        try await expectDecodingFailure("SELECT 1e-50::float8", as: Float.self)
        try await expectDecodingFailure("SELECT 3.5e38::float8", as: Float.self)
        try await expectDecodingFailure("SELECT 9007199254740993::int8", as: Double.self)
        #expect(try await scalar("SELECT 9007199254740992::int8", as: Double.self) == 9_007_199_254_740_992)
        #expect(try await scalar("SELECT 0.1::float8", as: Float.self) == Float(0.1), "rounding within range is the standard conversion")
    }
}

/// The microsecond nearest to a `Date`, computed exactly from the bits of its `Double`.
enum ExactMicroseconds {
    static func nearest(to date: Date) -> Int64 {
        let interval = date.timeIntervalSinceReferenceDate
        // interval = significand * 2^exponent exactly; micros = interval * 10^6, rounded half away.
        let significand = Int64(interval.significandBitPattern | (1 << 52)) * (interval < 0 ? -1 : 1)
        let exponent = Int(interval.exponent) - 52
        var value = (significand.magnitude.multipliedFullWidth(by: 1_000_000))
        var micros: Int64
        if exponent >= 0 {
            micros = Int64(value.low) << exponent
        } else {
            let shift = UInt64(-exponent)
            let full = (UInt128(value.high) << 64) | UInt128(value.low)
            let quotient = full >> shift
            let remainder = full - (quotient << shift)
            let half = UInt128(1) << (shift - 1)
            micros = Int64(quotient + (remainder >= half ? 1 : 0))
        }
        if interval < 0 { micros = -micros }
        value = (0, 0)
        return micros + 31_622_400_000_000
    }
}

/// SplitMix64, for seeded random values in tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
