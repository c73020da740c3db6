import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `executeMany`: one statement per row, pipelined as the rows are produced, all or nothing.
@Suite struct ExecuteManyTests {
    static let database = SuiteDatabase("execute_many")

    func freshTable(_ conn: PGConnection, _ name: String) async throws {
        try await conn.executeScript("DROP TABLE IF EXISTS \(name); CREATE TABLE \(name) (id int8 PRIMARY KEY, body text, embedding vector(3))")
    }

    @Test func insertsEveryRowAndCountsThem() async throws {
        try await Self.database.withConnection { conn throws in
            try await freshTable(conn, "many_rows")
            var rows: [[any PGEncodable]] = []
            for id in 1...5_000 {
                let body: String? = id % 9 == 0 ? nil : "row \(id)"
                let embedding = try PGVector([Float(id), 0, 1])
                rows.append([Int64(id), body, embedding])
            }
            let affected = try await conn.executeMany("INSERT INTO many_rows (id, body, embedding) VALUES ($1, $2, $3)", rows)
            #expect(affected == 5_000)
            let summary = try #require(try await conn.query("SELECT count(*), count(body), sum(id)::int8 FROM many_rows").first)
            let (count, bodies, sum) = try (summary.decode(Int64.self, at: 0), summary.decode(Int64.self, at: 1), summary.decode(Int64.self, at: 2))
            #expect(count == 5_000 && bodies == 5_000 - 555 && sum == 12_502_500)
            #expect(try await conn.query("SELECT embedding FROM many_rows WHERE id = 4321").scalar(PGVector.self) == (try PGVector([4321, 0, 1])))
            #expect(try await conn.executeMany("UPDATE many_rows SET body = $2 WHERE id = $1", [[Int64(1), "one"], [Int64(99_999), "none"]]) == 1)
            #expect(try await conn.executeMany("DELETE FROM many_rows WHERE id = $1", [[any PGEncodable]]()) == 0)
            #expect(!conn.isInTransaction && !conn.hasOpenServerTransaction)
        }
    }

    /// Rows made on demand: nothing holds them all.
    struct GeneratedRows: Sequence, Sendable {
        let count: Int
        func makeIterator() -> AnyIterator<[any PGEncodable]> {
            var id = 0
            let padding = String(repeating: "p", count: 1_000)
            return AnyIterator {
                guard id < count else { return nil }
                id += 1
                return [Int64(id), padding]
            }
        }
    }

    @Test func largeGeneratedBatchesStreamWithoutDeadlock() async throws {
        try await Self.database.withConnection { conn throws in
            try await freshTable(conn, "many_large")
            // ~50 MB of statements: far more than both socket buffers, so replies must be read
            // while rows are still being sent.
            let affected = try await conn.executeMany("INSERT INTO many_large (id, body) VALUES ($1, $2)", GeneratedRows(count: 50_000))
            #expect(affected == 50_000)
            #expect(try await conn.query("SELECT count(*) FROM many_large WHERE length(body) = 1000").scalar(Int.self) == 50_000)
        }
    }

    @Test func aFailingRowKeepsNothingAndNamesTheRow() async throws {
        try await Self.database.withConnection { conn throws in
            try await freshTable(conn, "many_fail")
            let rows: [[any PGEncodable]] = (1...3_000).map { [Int64($0 == 2_500 ? 7 : $0), "x"] }  // row 2,500 repeats id 7
            let error = await #expect(throws: PGError.self) {
                try await conn.executeMany("INSERT INTO many_fail (id, body) VALUES ($1, $2)", rows)
            }
            #expect(error?.sqlState == .uniqueViolation)
            #expect(error?.message.hasPrefix("row 2500:") == true, "\(String(describing: error?.message))")
            #expect(try await conn.query("SELECT count(*) FROM many_fail").scalar(Int.self) == 0)
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test func aRowThatCannotBeEncodedFailsBeforeTheServerKeepsAnything() async throws {
        try await Self.database.withConnection { conn throws in
            try await freshTable(conn, "many_encode")
            var rows: [[any PGEncodable]] = (1...100).map { [Int64($0), "ok"] }
            rows[41] = [Int64(42), "nul \u{0} inside"]
            let error = await #expect(throws: PGError.self) {
                try await conn.executeMany("INSERT INTO many_encode (id, body) VALUES ($1, $2)", rows)
            }
            #expect(error?.kind == .invalidParameter && error?.message.hasPrefix("row 42:") == true)
            rows[41] = [Int64(42), Int32(5)]  // a different type than the first row's
            await #expect(throws: PGError.self) { try await conn.executeMany("INSERT INTO many_encode (id, body) VALUES ($1, $2)", rows) }
            #expect(try await conn.query("SELECT count(*) FROM many_encode").scalar(Int.self) == 0)
        }
    }

    @Test func insideATransactionItIsASavepoint() async throws {
        try await Self.database.withConnection { conn throws in
            try await freshTable(conn, "many_nested")
            try await conn.transaction { tx in
                try await tx.execute("INSERT INTO many_nested (id) VALUES (1)")
                await #expect(throws: PGError.self) {
                    try await tx.executeMany("INSERT INTO many_nested (id) VALUES ($1)", [[Int64(2)], [Int64(1)]])
                }
                try await tx.executeMany("INSERT INTO many_nested (id) VALUES ($1)", [[Int64(3)], [Int64(4)]])
            }
            #expect(try await conn.query("SELECT array_agg(id ORDER BY id)::int8[] FROM many_nested").scalar([Int64].self) == [1, 3, 4])
        }
    }
}
