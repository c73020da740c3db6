import Foundation
import PGKit
import Repositories
import Testing

@Suite struct MemoryRepositoryTests {
    static let database = ChatDatabase("memories")

    func basis(_ index: Int, _ weight: Float = 1) -> [Float] {
        var values = [Float](repeating: 0, count: 384)
        values[index] = weight
        return values
    }

    @Test func createsWithAndWithoutEmbeddingsAndRejectsWrongDimensions() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let plain = try await db.memories.create(content: "no vector", userId: user.id)
            #expect(plain.embedding == nil)
            #expect(plain.importance == 0)
            let embedded = try await db.memories.create(content: "vector", userId: user.id, embedding: basis(0), importance: 0.8)
            #expect(embedded.embedding?.values == basis(0))
            #expect(embedded.importance == 0.8)
            await #expect(throws: RepositoryError.wrongEmbeddingDimension(expected: 384, actual: 3)) {
                try await db.memories.create(content: "bad", userId: user.id, embedding: [1, 2, 3])
            }
            await #expect(throws: PGError.self) {
                try await db.memories.create(content: "nan", userId: user.id, embedding: [Float](repeating: .nan, count: 384))
            }
            let updated = try await db.memories.update(id: plain.id, MemoryUpdate(embedding: .set(try Vector384(basis(1))), importance: .set(0.5)))
            #expect(updated.embedding?.values == basis(1))
            let page = try await db.memories.memories(forUser: user.id)
            #expect(page.items.map(\.id) == [embedded.id, plain.id], "newest first")
            try await db.memories.delete(id: plain.id)
            #expect(try await db.memories.find(id: plain.id) == nil)
        }
    }

    @Test func cosineScoresMatchValuesComputedInSwift() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            let other = try await db.users.create(email: uniqueEmail())
            let vectors: [[Float]] = [
                basis(0), unitVector(basis(0).enumerated().map { $0.offset == 1 ? 1 : $0.element }),
                basis(1), basis(0, -1), unitVector((0..<384).map { Float($0 % 7) - 3 }),
            ]
            for (index, values) in vectors.enumerated() {
                _ = try await db.memories.create(content: "v\(index)", userId: user.id, embedding: values)
            }
            _ = try await db.memories.create(content: "someone else's", userId: other.id, embedding: basis(0))
            let query = unitVector(basis(0).enumerated().map { $0.offset == 2 ? 0.5 : $0.element })
            let results = try await db.memories.findSimilarMemories(to: try Vector384(query), userId: user.id, limit: 10)
            #expect(results.count == vectors.count, "only this user's memories")
            func cosine(_ a: [Float], _ b: [Float]) -> Double {
                let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let norms = (a.reduce(0.0) { $0 + Double($1 * $1) } * b.reduce(0.0) { $0 + Double($1 * $1) }).squareRoot()
                return dot / norms
            }
            for result in results {
                let index = Int(result.memory.content.dropFirst())!
                #expect(abs(result.similarity - cosine(query, vectors[index])) < 1e-5, "\(result.memory.content)")
            }
            #expect(results.map(\.similarity) == results.map(\.similarity).sorted(by: >))
            #expect(results.first?.memory.content == "v0")
            #expect(results.last?.memory.content == "v3")
        }
    }

    @Test func hnswSearchReturnsTheTrueNearestNeighbours() async throws {
        try await Self.database.with { db throws in
            let user = try await db.users.create(email: uniqueEmail())
            var random = SplitMix64(seed: 7)
            let vectors = (0..<2000).map { _ in unitVector((0..<384).map { _ in random.nextSignedUnitFloat() }) }
            let inserted = try await db.memories.insertMany(vectors.enumerated().map { index, values in
                MemoryInsert(content: "m\(index)", embedding: try! Vector384(values), userId: user.id)
            })
            #expect(inserted == 2000)
            try await db.pool.execute("ANALYZE memories")
            let plan = try await db.pool.withConnection { conn in
                try await conn.executeScript("SET enable_seqscan = off")
                let query = try Vector384(vectors[0])
                let explain = try await conn.query("EXPLAIN SELECT id FROM memories ORDER BY embedding <=> \(query) LIMIT 5").map { try $0.decode(String.self, at: 0) }
                try await conn.executeScript("RESET enable_seqscan")
                return explain.joined(separator: "\n")
            }
            #expect(plan.contains("memories_embedding_cosine"), "the HNSW index serves cosine ordering")
            var recalled = 0
            for probe in 0..<10 {
                let query = unitVector(vectors[probe * 37].enumerated().map { $0.element + (($0.offset % 5 == 0) ? 0.02 : 0) })
                var distances: [(index: Int, distance: Double)] = []
                for (index, values) in vectors.enumerated() {
                    var dot = 0.0
                    for dimension in 0..<384 { dot += Double(query[dimension]) * Double(values[dimension]) }
                    distances.append((index, 1 - dot))
                }
                distances.sort { $0.distance < $1.distance }
                let exact = distances.prefix(5).map { "m\($0.index)" }
                let found = try await db.memories.findSimilarMemories(to: try Vector384(query), userId: user.id, limit: 5).map(\.memory.content)
                recalled += Set(found).intersection(exact).count
            }
            #expect(recalled >= 48, "recall \(recalled)/50")
            let l2 = try await db.memories.findSimilar(to: try Vector384(vectors[3]), limit: 3)
            #expect(l2.first?.content == "m3")
        }
    }
}
