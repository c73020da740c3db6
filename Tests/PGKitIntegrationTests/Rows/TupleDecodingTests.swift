import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `row.decode((A, B, ...).self)` for 2 to 12 columns goes through fixed-arity overloads (they
/// specialize in the caller's module; Swift ranks them above the variadic one, which these
/// calls cannot show by themselves); more columns through the variadic one. Both must give the
/// same values and the same errors, in a whole row and in a join's `suffix(from:)`.
@Suite struct TupleDecodingTests {
    static let database = SuiteDatabase("tuple_decoding")

    /// The variadic overload, reached from a generic context (where the fixed ones do not apply).
    func variadic<each T: PGDecodable>(_ row: PGRow, _ types: (repeat each T).Type) throws(PGError) -> (repeat each T) {
        try row.decode(types)
    }

    /// Tuples of any size compared by their elements' descriptions (`==` stops at six).
    func same(_ a: Any, _ b: Any) -> Bool { String(reflecting: a) == String(reflecting: b) }

    /// Twelve columns of different types, each value derived from `n`.
    static func select(_ n: Int) -> String {
        """
        SELECT \(n)::int8, 'text \(n)'::text, \(n)::int4 * 2, \(n) % 2 = 0, \(n)::float8 / 4,
               md5('\(n)')::uuid, timestamptz '2026-01-01 00:00:00+00' + \(n) * interval '1 second',
               CASE WHEN \(n) % 3 = 0 THEN NULL ELSE 'maybe \(n)' END, ARRAY[\(n), \(n) + 1]::int8[],
               decode(lpad(to_hex(\(n)), 8, '0'), 'hex'), \(n)::numeric / 100, 'ünïcode \(n)'::varchar
        """
    }

    @Test func everyArityDecodesTheSameValuesAsTheVariadicDecode() async throws {
        try await Self.database.withConnection { conn throws in
            for n in [0, 1, 2, 3, 7, 1_000_003] {
                let row = try #require(try await conn.query(PGQuery(Self.select(n), parameters: [])).first)
                let whole = try row.decode((Int64, String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)
                let reference = try variadic(row, (Int64, String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)
                #expect(same(whole, reference))
                #expect(whole.9 == reference.9 && whole.9 == withUnsafeBytes(of: UInt32(n).bigEndian) { Data($0) })
                #expect(whole.0 == Int64(n) && whole.1 == "text \(n)" && whole.2 == Int32(n * 2) && whole.3 == (n % 2 == 0))
                #expect(whole.4 == Double(n) / 4 && whole.6 == Date(timeIntervalSince1970: 1_767_225_600 + Double(n)))
                #expect(whole.7 == (n % 3 == 0 ? nil : "maybe \(n)") && whole.8 == [Int64(n), Int64(n) + 1])
                #expect(whole.10 == Decimal(n) / 100 && whole.11 == "ünïcode \(n)")
                let md5 = try #require(try await conn.query("SELECT md5(\(String(n)))::uuid").first).decode(UUID.self, at: 0)
                #expect(whole.5 == md5)

                // Each arity from 2 to 11 on a suffix of the row: the last columns.
                let s1 = row.suffix(from: 1), s2 = row.suffix(from: 2), s3 = row.suffix(from: 3), s4 = row.suffix(from: 4)
                let s5 = row.suffix(from: 5), s6 = row.suffix(from: 6), s7 = row.suffix(from: 7), s8 = row.suffix(from: 8)
                let s9 = row.suffix(from: 9), s10 = row.suffix(from: 10)
                #expect(try same(s10.decode((Decimal, String).self), variadic(s10, (Decimal, String).self)))
                #expect(try same(s9.decode((Data, Decimal, String).self), variadic(s9, (Data, Decimal, String).self)))
                #expect(try same(s8.decode(([Int64], Data, Decimal, String).self), variadic(s8, ([Int64], Data, Decimal, String).self)))
                #expect(try same(s7.decode((String?, [Int64], Data, Decimal, String).self), variadic(s7, (String?, [Int64], Data, Decimal, String).self)))
                #expect(try same(s6.decode((Date, String?, [Int64], Data, Decimal, String).self), variadic(s6, (Date, String?, [Int64], Data, Decimal, String).self)))
                #expect(try same(s5.decode((UUID, Date, String?, [Int64], Data, Decimal, String).self), variadic(s5, (UUID, Date, String?, [Int64], Data, Decimal, String).self)))
                #expect(try same(s4.decode((Double, UUID, Date, String?, [Int64], Data, Decimal, String).self), variadic(s4, (Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)))
                #expect(try same(s3.decode((Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self), variadic(s3, (Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)))
                #expect(try same(s2.decode((Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self), variadic(s2, (Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)))
                #expect(try same(s1.decode((String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self), variadic(s1, (String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)))
            }
        }
    }

    @Test func aWholeResultDecodesThroughTheSameOverloads() async throws {
        try await Self.database.withConnection { conn throws in
            let rows = try await conn.query("SELECT n, 'row ' || n, n % 2 = 0 FROM generate_series(1::int8, 50) AS n")
            let decoded = try rows.decode((Int64, String, Bool).self)
            #expect(decoded.count == 50)
            for (index, (n, text, even)) in decoded.enumerated() {
                #expect(n == Int64(index + 1) && text == "row \(index + 1)" && even == ((index + 1) % 2 == 0))
            }
            let wide = try await conn.query(PGQuery(Self.select(11), parameters: []))
            let all = try wide.decode((Int64, String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String).self)
            #expect(all.count == 1 && all[0].0 == 11 && all[0].11 == "ünïcode 11")
            #expect(throws: PGError.self) { try rows.decode((Int64, String).self) }
        }
    }

    @Test func aTupleOfTheWrongSizeOrTypeFailsAsTheVariadicDecodeFails() async throws {
        try await Self.database.withConnection { conn throws in
            let row = try #require(try await conn.query(PGQuery(Self.select(3), parameters: [])).first)
            func message(_ body: () throws -> Void) -> String? {
                do { try body(); return nil } catch { return (error as? PGError)?.message }
            }
            // Eleven and thirteen types for twelve columns.
            let short = message { _ = try row.decode((Int64, String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal).self) }
            let shortReference = message { _ = try variadic(row, (Int64, String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal).self) }
            #expect(short == "cannot decode 12 columns into a tuple of 11")
            #expect(short == shortReference)
            let long = message { _ = try row.decode((Int64, String, Int32, Bool, Double, UUID, Date, String?, [Int64], Data, Decimal, String, Int).self) }
            #expect(long == "cannot decode 12 columns into a tuple of 13")
            // The NULL in column 7 (n = 3) into a String, not String?: the column is named.
            let null = message { _ = try row.decode((Int64, String, Int32, Bool, Double, UUID, Date, String, [Int64], Data, Decimal, String).self) }
            let nullReference = message { _ = try variadic(row, (Int64, String, Int32, Bool, Double, UUID, Date, String, [Int64], Data, Decimal, String).self) }
            #expect(null?.hasPrefix("column \"case\": ") == true, "\(null ?? "no error")")
            #expect(null == nullReference)
            do {
                _ = try row.decode((Int64, String, Int32, Bool, Double, UUID, Date, String, [Int64], Data, Decimal, String).self)
            } catch {
                #expect((error as? PGError)?.column == "case")
            }
            let twoOfThree = message { _ = try row.suffix(from: 9).decode((Data, Decimal).self) }
            #expect(twoOfThree == "cannot decode 3 columns into a tuple of 2")
        }
    }

    @Test func aUUIDValueOfOtherThanSixteenBytesIsRefused() throws {
        let context = PGDecodingContext()
        for count in [0, 15, 17, 32] {
            let bytes = [UInt8](repeating: 0xAB, count: count)
            let error = bytes.withUnsafeBytes { raw -> PGError? in
                var buffer = PGReadBuffer(raw)
                do throws(PGError) { _ = try UUID(pgBytes: &buffer, type: 2950, context: context); return nil } catch { return error }
            }
            #expect(error?.kind == .decodingFailed, "\(count) bytes")
        }
        let bytes: [UInt8] = Array(0..<16)
        let decoded = try bytes.withUnsafeBytes { raw in
            var buffer = PGReadBuffer(raw)
            return try UUID(pgBytes: &buffer, type: 2950, context: context)
        }
        #expect(decoded.uuidString == "00010203-0405-0607-0809-0A0B0C0D0E0F")
    }
}
