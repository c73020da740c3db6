import Foundation
import PGKit
import PGKitTestSupport
import Testing

@Suite struct PGPipelineTests {
    static let database = SuiteDatabase("pipeline")

    @Test func returnsEveryResultInOrder() async throws {
        try await Self.database.withConnection { conn throws in
            var pipeline = PGPipeline()
            for value in 0..<500 { pipeline.append("SELECT \(Int64(value)) * 2") }
            let results = try await conn.execute(pipeline)
            #expect(results.count == 500)
            #expect(try results.map { try $0.get().scalar(Int64.self) } == (0..<500).map { Int64($0 * 2) })
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test func oneStatementWithExplicitParametersRepeatsAcrossABatch() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TEMP TABLE piped (id int8 PRIMARY KEY, body text, tags text[])")
            let insert = "INSERT INTO piped (id, body, tags) VALUES ($1, $2, $3) RETURNING id * 10"
            var pipeline = PGPipeline()
            pipeline.reserveCapacity(300)
            for id in 1...300 { pipeline.append(insert, [Int64(id), id % 7 == 0 ? nil : "row \(id)", ["a", "\(id)"]]) }
            let results = try await conn.execute(pipeline)
            #expect(try results.map { try $0.get().scalar(Int64.self) } == (1...300).map { Int64($0 * 10) })
            let totals = try #require(try await conn.query("SELECT count(*), count(body), sum(id)::int8 FROM piped").first)
            let (count, bodies, sum) = try totals.decode((Int64, Int64, Int64).self)
            #expect(count == 300 && bodies == 258 && sum == 45_150)
        }
    }

    @Test func largeBatchesDoNotDeadlock() async throws {
        try await Self.database.withConnection { conn throws in
            var pipeline = PGPipeline()
            let payload = String(repeating: "x", count: 2000)
            for value in 0..<5000 { pipeline.append("SELECT \(Int64(value)), \(payload)::text") }
            let results = try await conn.execute(pipeline)
            #expect(results.count == 5000)
            #expect(try results.last?.get().first?.decode(Int64.self, at: 0) == 4999)
        }
    }

    @Test func aFailureAbortsTheRestOfATransactionalBatch() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TABLE IF EXISTS piped; CREATE TABLE piped (id int PRIMARY KEY)")
            var pipeline = PGPipeline()
            pipeline.append("INSERT INTO piped VALUES (1)")
            pipeline.append("INSERT INTO piped VALUES (1)")
            pipeline.append("INSERT INTO piped VALUES (2)")
            let results = try await conn.execute(pipeline)
            #expect((try? results[0].get()) != nil)
            guard case .failure(let duplicate) = results[1], case .failure(let skipped) = results[2] else {
                Issue.record("statements 2 and 3 should fail")
                return
            }
            #expect(duplicate.sqlState == .uniqueViolation)
            #expect(skipped.isPipelineAborted)
            #expect(try await conn.query("SELECT count(*) FROM piped").scalar(Int.self) == 0, "the batch is one unit")
        }
    }

    @Test func independentStatementsFailAlone() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TABLE IF EXISTS piped2; CREATE TABLE piped2 (id int PRIMARY KEY)")
            var pipeline = PGPipeline(transactional: false)
            pipeline.append("INSERT INTO piped2 VALUES (1)")
            pipeline.append("INSERT INTO piped2 VALUES (1)")
            pipeline.append("INSERT INTO piped2 VALUES (\("not an int"))")
            pipeline.append("INSERT INTO piped2 VALUES (\(Int32(3)))")
            let results = try await conn.execute(pipeline)
            #expect(results.map { (try? $0.get()) != nil } == [true, false, false, true])
            #expect(try await conn.query("SELECT count(*) FROM piped2").scalar(Int.self) == 2)
        }
    }

    @Test func anUnencodableValueFailsOnlyItsStatement() async throws {
        try await Self.database.withConnection { conn throws in
            var pipeline = PGPipeline(transactional: false)
            pipeline.append("SELECT \("ok")::text")
            pipeline.append("SELECT \("nul\0byte")::text")
            pipeline.append("SELECT \("after")::text")
            let results = try await conn.execute(pipeline)
            #expect(try results[0].get().scalar(String.self) == "ok")
            guard case .failure(let error) = results[1] else { Issue.record("expected an encoding error"); return }
            #expect(error.kind == .invalidParameter)
            #expect(try results[2].get().scalar(String.self) == "after")
        }
    }
}
