import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// pgvector's `halfvec` and `sparsevec`, and `bit` strings for binary quantization, against
/// pgvector's and the server's own text output, both ways.
@Suite struct VectorTypeTests {
    static let database = SuiteDatabase("vector_types")
    static let randomCount = 2_000

    static func randomHalfVectors() throws -> [PGHalfVector] {
        var random = SeededGenerator(seed: 42)
        var vectors = try (0..<Self.randomCount).map { _ in
            try PGHalfVector((0..<Int.random(in: 1...24, using: &random)).map { _ -> Float16 in
                var half: Float16
                repeat { half = Float16(bitPattern: UInt16.random(in: 0 ... .max, using: &random)) } while !half.isFinite
                return half
            })
        }
        vectors.append(try PGHalfVector([Float16.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
                                         .leastNormalMagnitude, -0.0, 0, 1, 0.1, 1e-5, 1000, 12344]))
        vectors.append(try PGHalfVector([Float](repeating: 0.5, count: PGHalfVector.maxDimensions)))
        vectors.append(try PGHalfVector([Float(65519), 0.1, 1e-8, 3.14159]))  // rounded: 65504, 0.099975586, 0 (underflow), 3.140625
        // Every finite half, in vectors of at most 16,000.
        let everyHalf = (0...UInt16.max).map { Float16(bitPattern: $0) }.filter(\.isFinite)
        for start in stride(from: 0, to: everyHalf.count, by: 16_000) {
            vectors.append(try PGHalfVector(Array(everyHalf[start..<min(start + 16_000, everyHalf.count)])))
        }
        return vectors
    }

    @Test func halfvecMatchesPgvectorBothWays() async throws {
        let vectors = try Self.randomHalfVectors()
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(vectors, as: "halfvec")
            differences += try await differential.reading(vectors.map(\.description) + ["[1.5, 2]", "[65519]", "[1e-8]"], as: "halfvec", into: PGHalfVector.self)
            #expect(differences.isEmpty, "\(differences.count) of \(vectors.count): \(differences.prefix(5).map { $0.prefix(300) })")
            // Rounding to half precision is pgvector's: the same halves as the server's vector-to-halfvec cast.
            var random = SeededGenerator(seed: 9)
            let floats = (0..<500).map { _ in Float.random(in: -70_000...70_000, using: &random) / [1, 1000, 1e6].randomElement(using: &random)! }
                .filter { abs($0) < 65_504 }
            let cast = try await conn.query("SELECT \(try PGVector(floats))::halfvec").scalar(PGHalfVector.self)
            #expect(cast == (try PGHalfVector(floats)))
            #expect(try await conn.query("SELECT \(vectors)::halfvec[]").scalar([PGHalfVector].self) == vectors)
        }
    }

    @Test func halfvecRefusesWhatPgvectorRefuses() async throws {
        expectInvalidParameter("NaN") { try PGHalfVector([Float(1), .nan]) }
        expectInvalidParameter("infinity") { try PGHalfVector([Float16.infinity]) }
        expectInvalidParameter("65520 overflows half precision") { try PGHalfVector([Float(65520)]) }
        expectInvalidParameter("-1e6") { try PGHalfVector([Float(-1e6)]) }
        expectInvalidParameter("empty") { try PGHalfVector([Float]()) }
        expectInvalidParameter("16001 dimensions") { try PGHalfVector([Float16](repeating: 1, count: 16_001)) }
        expectInvalidParameter("wrong dimensions") { try PGHalfVector([Float16(1)], dimensions: 3) }
        try await Self.database.withConnection { conn throws in
            for literal in ["[65520]", "[NaN]", "[]"] {
                await #expect(throws: PGError.self) { _ = try await conn.query("SELECT \(literal)::halfvec") }
            }
        }
    }

    static func randomSparseVectors() throws -> [PGSparseVector] {
        var random = SeededGenerator(seed: 43)
        var vectors = try (0..<Self.randomCount).map { index -> PGSparseVector in
            let dimensions = index % 3 == 0 ? Int.random(in: 1...PGSparseVector.maxDimensions, using: &random) : Int.random(in: 1...40, using: &random)
            var indices = Set<Int>()
            for _ in 0..<Int.random(in: 0...min(dimensions, 12), using: &random) { indices.insert(Int.random(in: 0..<dimensions, using: &random)) }
            let sorted = indices.sorted()
            let values = sorted.map { _ -> Float in
                var value: Float
                repeat { value = Float(bitPattern: UInt32.random(in: 0 ... .max, using: &random)) } while !value.isFinite || value == 0
                return index % 2 == 0 ? value : Float(Int.random(in: -1000...1000, using: &random)) / 8 + 0.0625
            }
            return try PGSparseVector(dimensions: dimensions, indices: sorted, values: values)
        }
        vectors.append(try PGSparseVector(dimensions: 1, indices: [], values: []))
        vectors.append(try PGSparseVector(dimensions: PGSparseVector.maxDimensions, indices: [0, PGSparseVector.maxDimensions - 1], values: [1.5, -2]))
        vectors.append(try PGSparseVector(dimensions: 20_000, indices: Array(0..<16_000), values: [Float](repeating: 0.25, count: 16_000)))
        vectors.append(try PGSparseVector([0, 1.5, 0, -0.0, 2]))
        vectors.append(try PGSparseVector(dimensions: 5, elements: [4: 2, 0: 1.5, 2: 0]))
        return vectors
    }

    @Test func sparsevecMatchesPgvectorBothWays() async throws {
        let vectors = try Self.randomSparseVectors()
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(vectors, as: "sparsevec")
            differences += try await differential.reading(vectors.map(\.description) + ["{1:0,3:2}/5", "{ 2:1.5 }/3", "{}/7"], as: "sparsevec", into: PGSparseVector.self)
            #expect(differences.isEmpty, "\(differences.count) of \(vectors.count): \(differences.prefix(5).map { $0.prefix(300) })")
            #expect(try PGSparseVector([0, 1.5, 0, -0.0, 2]).description == "{2:1.5,5:2}/5")
            #expect(try PGSparseVector([0, 1.5, 0, 2]).dense == [0, 1.5, 0, 2])
            #expect(try await conn.query("SELECT \(Array(vectors.prefix(20)))::sparsevec[]").scalar([PGSparseVector].self) == Array(vectors.prefix(20)))
            let dense = try await conn.query("SELECT \(try PGSparseVector([0, 1.5, 0, 2]))::vector").scalar(PGVector.self)
            #expect(dense?.values == [0, 1.5, 0, 2])
        }
    }

    @Test func sparsevecRefusesWhatPgvectorRefuses() {
        expectInvalidParameter("index out of range") { try PGSparseVector(dimensions: 3, indices: [3], values: [1]) }
        expectInvalidParameter("negative index") { try PGSparseVector(dimensions: 3, indices: [-1], values: [1]) }
        expectInvalidParameter("unsorted") { try PGSparseVector(dimensions: 3, indices: [2, 1], values: [1, 1]) }
        expectInvalidParameter("duplicate") { try PGSparseVector(dimensions: 3, indices: [1, 1], values: [1, 1]) }
        expectInvalidParameter("zero value") { try PGSparseVector(dimensions: 3, indices: [1], values: [0]) }
        expectInvalidParameter("NaN") { try PGSparseVector(dimensions: 3, indices: [1], values: [.nan]) }
        expectInvalidParameter("count mismatch") { try PGSparseVector(dimensions: 3, indices: [1], values: [1, 2]) }
        expectInvalidParameter("0 dimensions") { try PGSparseVector(dimensions: 0, indices: [], values: []) }
        expectInvalidParameter("too many dimensions") { try PGSparseVector(dimensions: 1_000_000_001, indices: [], values: []) }
        expectInvalidParameter("16001 non-zeros") { try PGSparseVector([Float](repeating: 1, count: 16_001)) }
        expectInvalidParameter("infinity in dense") { try PGSparseVector([0, .infinity]) }
    }

    @Test func bitStringsMatchTheServerBothWaysAndQuantizeLikePgvector() async throws {
        var random = SeededGenerator(seed: 44)
        let strings = (0..<Self.randomCount).map { _ in
            PGBitString((0..<Int.random(in: 0...100, using: &random)).map { _ in Bool.random(using: &random) })
        } + [PGBitString([]), PGBitString([true]), try PGBitString("0000000"), try PGBitString("11111111"), try PGBitString("101010101")]
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            // `::bit` in SQL is `bit(1)`, which cuts to one bit: the parameter is compared uncast.
            var differences = try await differential.sending(strings, as: "bit", cast: false)
            differences += try await differential.sending(strings, as: "varbit")
            differences += try await differential.reading(strings.map(\.description), as: "varbit", into: PGBitString.self, parse: { try PGBitString($0) })
            let fixed = try await conn.query("SELECT B'0101', '0101'::bit(4), '0101'::bit").first!
            #expect(try fixed.decode(PGBitString.self, at: 0).description == "0101")
            #expect(try fixed.decode(PGBitString.self, at: 1).description == "0101")
            #expect(try fixed.decode(PGBitString.self, at: 2).description == "0")
            #expect(differences.isEmpty, "\(differences.count) of \(strings.count): \(differences.prefix(5))")
            #expect(try await conn.query("SELECT \(strings)::bit varying[]").scalar([PGBitString].self) == strings)

            let quantized = try await conn.query("SELECT binary_quantize(\(try PGVector([1, -2, 3, 0, 0.5])))").scalar(PGBitString.self)
            #expect(quantized?.description == "10101" && quantized?.bits == [true, false, true, false, true])
            let distance = try await conn.query("SELECT \(try PGBitString("10101")) <~> \(try PGBitString("00111"))").scalar(Double.self)
            #expect(distance == 2)
            // A bit(n) column takes exactly n bits: never padded or cut.
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS codes (code bit(4))")
            try await conn.execute("INSERT INTO codes VALUES (\(try PGBitString("1010")))")
            await #expect(throws: PGError.self) { try await conn.execute("INSERT INTO codes VALUES (\(try PGBitString("101")))") }
            let differential2 = ServerTextDifferential(conn: conn)
            try await differential2.expectDecodingFails("SELECT '[1,2]'::halfvec", as: PGVector.self)
            try await differential2.expectDecodingFails("SELECT '[1,2]'::vector", as: PGHalfVector.self)
            try await differential2.expectDecodingFails("SELECT '{1:1}/2'::sparsevec", as: PGHalfVector.self)
            try await differential2.expectDecodingFails("SELECT '[1,2]'::halfvec", as: PGSparseVector.self)
            try await differential2.expectDecodingFails("SELECT '101'::text", as: PGBitString.self)
            try await differential2.expectDecodingFails("SELECT 5::int4", as: PGSparseVector.self)
        }
        expectInvalidParameter("not binary digits") { try PGBitString("1021") }
        expectInvalidParameter("padding bits set") { try PGBitString(bytes: [0xFF], count: 3) }
        expectInvalidParameter("byte count") { try PGBitString(bytes: [0xFF, 0], count: 8) }
        #expect(try PGBitString(bytes: [0xA0], count: 3).description == "101")
    }
}
