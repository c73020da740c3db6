import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Ranges and multiranges against the server's own text output, both ways, and PGKit's
/// canonical form against the server's.
@Suite struct RangeTests {
    static let database = SuiteDatabase("ranges")
    static let randomCount = 2_000

    /// A range as written in SQL before the server canonicalises it, and PGKit's reading of it.
    struct Written<Bound: PGRangeBound> {
        var lower: Bound?
        var upper: Bound?
        var lowerInclusive: Bool
        var upperInclusive: Bool
        var literal: String {
            (lowerInclusive ? "[" : "(") + (lower.map { "\"\($0.pgRangeBoundText)\"" } ?? "") + ","
                + (upper.map { "\"\($0.pgRangeBoundText)\"" } ?? "") + (upperInclusive ? "]" : ")")
        }
        var range: PGRange<Bound> {
            get throws { try PGRange(lower: lower, upper: upper, lowerInclusive: lowerInclusive, upperInclusive: upperInclusive) }
        }
    }

    static func written<Bound: PGRangeBound>(_ count: Int, _ value: (inout SeededGenerator) -> Bound) -> [Written<Bound>] {
        var random = SeededGenerator(seed: 42)
        return (0..<count).map { _ in
            var a: Bound? = value(&random)
            var b: Bound? = Int.random(in: 0..<8, using: &random) == 0 ? a : value(&random)
            if let x = a, let y = b, x > y { (a, b) = (b, a) }
            if Int.random(in: 0..<10, using: &random) == 0 { a = nil }
            if Int.random(in: 0..<10, using: &random) == 0 { b = nil }
            return Written(lower: a, upper: b, lowerInclusive: Bool.random(using: &random), upperInclusive: Bool.random(using: &random))
        }
    }

    static func int32(_ random: inout SeededGenerator) -> Int32 {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return Int32.random(in: -20...20, using: &random)
        case 1: return Int32.random(in: (Int32.max - 5)...(Int32.max - 1), using: &random)
        case 2: return Int32.random(in: Int32.min...(Int32.min + 5), using: &random)
        default: return Int32.random(in: Int32.min..<Int32.max, using: &random)
        }
    }

    static func int64(_ random: inout SeededGenerator) -> Int64 {
        Bool.random(using: &random) ? Int64.random(in: -20...20, using: &random) : Int64.random(in: Int64.min..<Int64.max, using: &random)
    }

    /// Instants PostgreSQL and `Date` both hold exactly: microseconds in 1900-2100, whole
    /// seconds from year 1 to 9999.
    static func date(_ random: inout SeededGenerator) -> Date {
        if Bool.random(using: &random) {
            let micros = Int64.random(in: -2_208_988_800_000_000...4_102_444_800_000_000, using: &random)
            return Date(timeIntervalSince1970: Double(micros / 1_000_000) + Double(micros % 1_000_000) / 1_000_000)
        }
        return Date(timeIntervalSince1970: Double(Int64.random(in: -62_135_596_800...253_402_300_799, using: &random)))
    }

    func compare<Bound: PGRangeBound>(_ written: [Written<Bound>], as sqlType: String, multirange: String, conn: PGConnection) async throws -> [String] {
        let differential = ServerTextDifferential(conn: conn)
        let canonical = written.compactMap { try? $0.range }
        var differences = try await differential.sending(canonical + [.empty, .unbounded], as: sqlType)
        var byLiteral: [String: PGRange<Bound>] = [:]
        for entry in written { byLiteral[entry.literal] = try? entry.range }
        let literals = written.filter { (try? $0.range) != nil }.map(\.literal) + ["empty", "(,)", "[,]"]
        differences += try await differential.reading(literals, as: sqlType, into: PGRange<Bound>.self, parse: { literal in
            if let range = byLiteral[literal] { return range }
            return literal == "empty" ? .empty : .unbounded
        })
        if Bound.self == Date.self {
            // infinity is a value of timestamptz, not an unbounded side.
            differences += try await differential.reading(["[2020-01-01,infinity]", "(-infinity,2020-01-01 12:00:00.5+00]", "[-infinity,infinity)"],
                                                          as: sqlType, into: PGRange<Bound>.self)
            differences += try await differential.sending([try PGRange(lower: Date(timeIntervalSince1970: 0), upper: .distantFuture, upperInclusive: true)], as: sqlType)
        }
        var random = SeededGenerator(seed: 7)
        let multiranges = (0..<written.count / 4).map { _ in
            PGMultirange((0..<Int.random(in: 0...5, using: &random)).map { _ in canonical.randomElement(using: &random)! })
        }
        differences += try await differential.sending(multiranges + [PGMultirange()], as: multirange)
        differences += try await differential.reading(multiranges.map { "{" + $0.ranges.map(\.description).joined(separator: ",") + "}" },
                                                      as: multirange, into: PGMultirange<Bound>.self)
        return differences
    }

    @Test func int4RangesAndMultirangesMatchTheServerBothWays() async throws {
        try await Self.database.withConnection { conn throws in
            let differences = try await compare(Self.written(Self.randomCount, Self.int32), as: "int4range", multirange: "int4multirange", conn: conn)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
        }
    }

    @Test func int8RangesAndMultirangesMatchTheServerBothWays() async throws {
        try await Self.database.withConnection { conn throws in
            let differences = try await compare(Self.written(Self.randomCount, Self.int64), as: "int8range", multirange: "int8multirange", conn: conn)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
        }
    }

    @Test func timestamptzRangesAndMultirangesMatchTheServerBothWays() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("SET TIME ZONE 'UTC'")
            // Years BC, year 1 BC/AD, far future, and fractions of a second.
            let edges = [-200_000_000_000, -62_167_219_201, -62_167_219_200, -62_135_596_800, 0.5, 1e-6, 951_782_400, 3_000_000_000_000]
                .map { Date(timeIntervalSince1970: $0) }
            let extra = zip(edges, edges.dropFirst()).map { Written(lower: $0, upper: $1, lowerInclusive: false, upperInclusive: true) }
            let differences = try await compare(Self.written(Self.randomCount, Self.date) + extra, as: "tstzrange", multirange: "tstzmultirange", conn: conn)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
        }
    }

    @Test func numericTimestampAndDateRangesMatchTheServerBothWays() async throws {
        try await Self.database.withConnection { conn throws in
            var differences = try await compare(Self.written(500) { random in
                try! PGNumeric(parsing: "\(Int.random(in: -1000...1000, using: &random)).\(Int.random(in: 0...999, using: &random))")
            }, as: "numrange", multirange: "nummultirange", conn: conn)
            differences += try await compare(Self.written(500) { random in
                PGTimestamp(microsecondsSince2000: Int64.random(in: -200_000_000_000_000_000...9_000_000_000_000_000_000, using: &random))
            }, as: "tsrange", multirange: "tsmultirange", conn: conn)
            differences += try await compare(Self.written(500) { random in
                PGDate(daysSince2000: Int32.random(in: -2_451_545...2_145_031_947, using: &random))
            }, as: "daterange", multirange: "datemultirange", conn: conn)
            differences += try await ServerTextDifferential(conn: conn).reading(
                ["[2020-01-01,infinity]", "(-infinity,2020-01-01]", "[1,NaN)"].dropLast(), as: "daterange", into: PGRange<PGDate>.self)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
        }
    }

    @Test func discreteRangesAreCanonicalAsTheServerStoresThem() throws {
        #expect(try PGRange(Int32(1)...5).description == "[1,6)")
        #expect(try PGRange(lower: Int32(1), upper: 2, lowerInclusive: false, upperInclusive: false).isEmpty)
        #expect(try PGRange(lower: Int32(3), upper: 3).description == "empty")
        #expect(try PGRange(lower: Int32(3), upper: 3, upperInclusive: true).description == "[3,4)")
        #expect(try PGRange(lower: nil, upper: Int32(5), lowerInclusive: true, upperInclusive: true).description == "(,6)")
        #expect(try PGRange(Int64(7)...) .description == "[7,)")
        #expect(try PGRange(..<Int32(0)).description == "(,0)")
        #expect(try PGRange(Int32(1)...5) == PGRange(Int32(1)..<6))
        #expect(try PGRange(Int32(1)...5).contains(5) && !PGRange(Int32(1)...5).contains(6))
        let merged = PGMultirange([try PGRange(Int32(5)..<7), try PGRange(Int32(1)..<3), try PGRange(Int32(3)..<4), .empty])
        #expect(merged.description == "{[1,4),[5,7)}")
        #expect(PGMultirange([try PGRange(Int32(1)..<10), try PGRange(Int32(2)..<3), .unbounded]).description == "{(,)}")
    }

    @Test func boundsOutOfOrderOrWithoutSuccessorAreRefusedAsTheServerRefusesThem() async throws {
        expectInvalidParameter("lower above upper") { try PGRange(lower: Int32(5), upper: 1) }
        expectInvalidParameter("Int32.max inclusive upper") { try PGRange(Int32(1)...Int32.max) }
        expectInvalidParameter("Int32.max exclusive lower") { try PGRange(lower: Int32.max, upper: nil, lowerInclusive: false) }
        expectInvalidParameter("Int64.max inclusive upper") { try PGRange(lower: nil, upper: Int64.max, upperInclusive: true) }
        #expect(try PGRange(lower: Int32.max, upper: Int32.max, lowerInclusive: false).isEmpty)  // (max,max) is empty before any successor
        try await Self.database.withConnection { conn throws in
            for sql in ["SELECT '[5,1)'::int4range", "SELECT '[1,2147483647]'::int4range", "SELECT int8range(NULL, 9223372036854775807, '(]')"] {
                do {
                    _ = try await conn.query(PGQuery(sql))
                    Issue.record("\(sql) was accepted")
                } catch {
                    #expect((error as? PGError)?.kind == .server, "\(sql): \(error)")
                }
            }
        }
    }

    @Test func arraysOfRangesRoundTrip() async throws {
        try await Self.database.withConnection { conn throws in
            let ranges: [PGRange<Int32>] = [try PGRange(1..<5), .empty, .unbounded, try PGRange(lower: nil, upper: -3)]
            #expect(try await conn.query("SELECT \(ranges)::int4range[]").scalar([PGRange<Int32>].self) == ranges)
            let multiranges = [PGMultirange(ranges), PGMultirange()]
            #expect(try await conn.query("SELECT \(multiranges)").scalar([PGMultirange<Int32>].self) == multiranges)
            try await conn.executeScript("SET TIME ZONE 'UTC'")
            let week = [try PGRange(Date(timeIntervalSince1970: 1_700_000_000)..<Date(timeIntervalSince1970: 1_700_604_800))]
            #expect(try await conn.query("SELECT \(week)::tstzrange[]").scalar([PGRange<Date>].self) == week)
        }
    }

    @Test func wrongColumnTypesAreTypedErrors() async throws {
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            try await differential.expectDecodingFails("SELECT '[1,2)'::int8range", as: PGRange<Int32>.self)
            try await differential.expectDecodingFails("SELECT '[1,2)'::int4range", as: PGMultirange<Int32>.self)
            try await differential.expectDecodingFails("SELECT '{[1,2)}'::int4multirange", as: PGRange<Int32>.self)
            try await differential.expectDecodingFails("SELECT 1::int4", as: PGRange<Int32>.self)
            try await differential.expectDecodingFails("SELECT '[1,2)'::numrange", as: PGRange<Int64>.self)
        }
    }
}
