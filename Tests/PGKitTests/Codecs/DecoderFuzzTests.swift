import Foundation
@testable import PGKit
import Testing

/// Random and mutated bytes, thousands of cases from a fixed seed, fed to every binary decoder
/// and to the connection-string parser: the only acceptable outcomes are a value or a typed
/// `PGError`. A crash here fails the whole test run, which is the point.
@Suite struct DecoderFuzzTests {
    /// xorshift64*: deterministic, so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    static let iterations = 4_000

    /// Well-formed encodings to mutate, so the fuzzer also reaches the deeper paths.
    static func seeds() throws -> [(UInt32, [UInt8])] {
        func encoded(_ value: some PGEncodable, _ oid: UInt32) throws -> (UInt32, [UInt8]) {
            var buffer = PGWriteBuffer()
            try value.encode(into: &buffer)
            return (oid, buffer.bytes)
        }
        return [
            try encoded(Int64(-42), 20), try encoded(Int32(7), 23), try encoded(Int16(3), 21),
            try encoded(true, 16), try encoded(2.5, 701), try encoded(Float(1.5), 700),
            try encoded("héllo", 25), try encoded(UUID(), 2950), try encoded(Date(), 1184),
            try encoded(Decimal(string: "-1234.5678")!, 1700), try encoded(Decimal(string: "0.00012")!, 1700),
            try encoded([Int64(1), 2, 3], 1016), try encoded(["a", nil] as [String?], 1009),
            try encoded(PGJSONB(["k": [1, 2]]), 3802), try encoded(PGVector([1, 2, 3]), 99_999),
            (1082, [0, 0, 0, 1]),
            try encoded(PGInet("2001:db8::1/64"), 869), try encoded(PGCIDR("10.0.0.0/8"), 650),
            try encoded(PGMacAddress("08:00:2b:01:02:03"), 829), try encoded(PGMacAddress8("08:00:2b:01:02:03:04:05"), 774),
            try encoded(PGMoney(cents: -1234), 790), try encoded(PGPoint(x: 1.5, y: -2), 600),
            try encoded(PGRange(Int32(1)..<5), 3904), try encoded(PGRange(Int64(-3)...), 3926),
            try encoded(PGMultirange([try PGRange(Int32(1)..<3), try PGRange(Int32(5)..<9)]), 4451),
            try encoded(PGRange(Date(timeIntervalSince1970: 0)..<Date(timeIntervalSince1970: 60)), 3910),
            try encoded(PGTSVector("fat:2,4A cat:3 'it''s'"), 3614), try encoded(PGTSQuery("fat & !(rat | cat:*) <2> dog"), 3615),
            try encoded(PGXML("<a>x</a>"), 142), try encoded(PGChar(byte: 0xC3), 18), try encoded(PGOID(1259), 2205),
            try encoded(PGBitString("10110"), 1560), try encoded(PGHalfVector([Float(1), 0.5]), 99_998),
            try encoded(PGSparseVector(dimensions: 10, indices: [1, 7], values: [1, -2]), 99_997), try encoded(Mood.happy, 99_996),
        ]
    }

    enum Mood: String, PGEnum {
        static let pgEnumTypeName = "mood"
        case sad, happy
    }

    func decodeEverything(_ bytes: [UInt8], oid: UInt32, context: PGDecodingContext) {
        bytes.withUnsafeBytes { raw in
            func attempt<T: PGDecodable>(_ type: T.Type) {
                var buffer = PGReadBuffer(raw)
                do { _ = try T(pgBytes: &buffer, type: oid, context: context) } catch { _ = error.kind }
            }
            attempt(Int16.self); attempt(Int32.self); attempt(Int64.self); attempt(Int.self); attempt(UInt32.self)
            attempt(UInt64.self); attempt(Bool.self); attempt(Float.self); attempt(Double.self); attempt(String.self)
            attempt(UUID.self); attempt(Date.self); attempt(Data.self); attempt(Decimal.self); attempt(PGVector.self)
            attempt(PGJSONValue.self); attempt(PGRawJSON.self); attempt([Int64].self); attempt([String?].self)
            attempt([UUID].self); attempt([Decimal].self); attempt([[Int32]].self)
            attempt(PGInet.self); attempt(PGCIDR.self); attempt(PGMacAddress.self); attempt(PGMacAddress8.self); attempt(PGMoney.self)
            attempt(PGPoint.self); attempt(PGRange<Int32>.self); attempt(PGRange<Int64>.self); attempt(PGRange<Date>.self)
            attempt(PGMultirange<Int32>.self); attempt(PGTSVector.self); attempt(PGTSQuery.self); attempt(PGXML.self); attempt(PGChar.self)
            attempt(PGOID.self); attempt(PGBitString.self); attempt(PGHalfVector.self); attempt(PGSparseVector.self); attempt(Mood.self)
            attempt([PGInet].self); attempt([PGRange<Int32>].self)
        }
    }

    @Test func decodersReturnValuesOrTypedErrorsForAnyBytes() throws {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var context = PGDecodingContext()
        context.types.register(name: "vector", oid: 99_999)
        context.types.register(name: "halfvec", oid: 99_998)
        context.types.register(name: "sparsevec", oid: 99_997)
        context.types.register(name: "mood", oid: 99_996)
        let seeds = try Self.seeds()
        let oids: [UInt32] = [16, 17, 20, 21, 23, 25, 114, 700, 701, 1000, 1007, 1009, 1016, 1082, 1114, 1184, 1231, 1700, 2950, 2951, 3802, 99_999,
                              18, 26, 142, 600, 650, 774, 790, 829, 869, 1041, 1560, 1562, 2205, 3614, 3615, 3904, 3905, 3910, 3926, 4451,
                              99_998, 99_997, 99_996]
        for iteration in 0..<Self.iterations {
            let (oid, bytes): (UInt32, [UInt8])
            if iteration % 2 == 0 {
                var (seedOID, seed) = seeds[Int(random.next() % UInt64(seeds.count))]
                let mutations = 1 + Int(random.next() % 4)
                for _ in 0..<mutations where !seed.isEmpty {
                    switch random.next() % 4 {
                    case 0: seed[Int(random.next() % UInt64(seed.count))] = UInt8(truncatingIfNeeded: random.next())
                    case 1: seed.removeLast(Int(random.next() % UInt64(min(seed.count, 8))))
                    case 2: seed.append(UInt8(truncatingIfNeeded: random.next()))
                    default: seedOID = oids[Int(random.next() % UInt64(oids.count))]
                    }
                }
                (oid, bytes) = (seedOID, seed)
            } else {
                let length = Int(random.next() % 64)
                oid = oids[Int(random.next() % UInt64(oids.count))]
                bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            decodeEverything(bytes, oid: oid, context: context)
        }
    }

    @Test func connectionStringParserReturnsConfigsOrTypedErrors() {
        var random = Generator(state: 42)
        let pieces = ["postgresql://", "postgres://", "user", ":", "p@ss", "@", "host", ":5432", ",h2:5433", "/db", "?", "&",
                      "sslmode=require", "pgbouncer=true", "=", "'", "\\", " ", "%", "%zz", "%40", "host=", "password=", "dbname=",
                      "statement_cache_capacity=-1", "application_name=x y", "\0", "é", "[::1]", "target_session_attrs=read-write"]
        var parsed = 0, rejected = 0
        for _ in 0..<Self.iterations {
            let count = 1 + Int(random.next() % 8)
            let candidate = (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            do {
                let config = try PGConfig(candidate)
                _ = config.description
                parsed += 1
            } catch {
                #expect(error.kind == .invalidConfiguration)
                #expect(!"\(error)".contains("p@ss"), "input fragment echoed for \(candidate)")
                rejected += 1
            }
        }
        #expect(parsed > 0 && rejected > 0, "the generator reaches both outcomes (\(parsed) parsed, \(rejected) rejected)")
    }
}
