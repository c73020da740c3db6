import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `textResults` shows what arbitrary SQL returns without holding all of it: first rows kept,
/// the rest counted, long values cut at a character boundary, every statement's command tag.
@Suite struct TextResultsTests {
    static let database = SuiteDatabase("text_results")

    @Test func everyStatementReportsItsTagAndOnlyTheFirstRowsAreKept() async throws {
        try await Self.database.withConnection { conn throws in
            let results = try await conn.textResults("""
                CREATE TEMP TABLE text_results_notes (id int, body text);
                INSERT INTO text_results_notes SELECT g, 'note ' || g FROM generate_series(1, 250) g;
                SELECT id, body, NULL::text AS nothing FROM text_results_notes ORDER BY id;
                UPDATE text_results_notes SET body = body WHERE id <= 3
                """, keepingRows: 10)
            #expect(results.map(\.commandTag) == ["CREATE TABLE", "INSERT 0 250", "SELECT 250", "UPDATE 3"])
            let select = results[2]
            #expect(select.columns == ["id", "body", "nothing"])
            #expect(select.rows.count == 10 && select.rowCount == 250 && select.isPartial)
            #expect(select.rows[0] == ["1", "note 1", nil])
            #expect(results[3].columns.isEmpty && results[3].rows.isEmpty)
            // A later statement's rows are bounded too, not only the first's.
            let second = try await conn.textResults("SELECT 1; SELECT g FROM generate_series(1, 100000) g", keepingRows: 5)
            #expect(second.last?.rows.count == 5 && second.last?.rowCount == 100_000)
        }
    }

    @Test func longValuesAreCutAtACharacterBoundaryAndSaySo() async throws {
        try await Self.database.withConnection { conn throws in
            // "é" is two bytes: a cut at 5 bytes must not split the third one.
            let results = try await conn.textResults("SELECT repeat('é', 10) AS long, 'short' AS short", keepingRows: 1, cuttingValuesAt: 5)
            let result = try #require(results.first)
            #expect(result.rows == [["éé", "short"]])
            #expect(result.cutValues == [PGTextResult.CutValue(row: 0, column: 0, byteCount: 20)])
        }
    }

    @Test func anErrorStopsTheScriptAndTheConnectionStaysUsable() async throws {
        try await Self.database.withConnection { conn throws in
            await #expect(throws: PGError.self) { try await conn.textResults("SELECT 1; SELECT 1/0; SELECT 2", keepingRows: 10) }
            #expect(try await conn.textResults("SELECT 3", keepingRows: 10).first?.rows == [["3"]])
        }
    }

    @Test func cancellingTheTaskCancelsTheStatementOnTheServer() async throws {
        try await Self.database.withConnection { conn throws in
            let task = Task { try await conn.textResults("SELECT pg_sleep(30)", keepingRows: 1) }
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            task.cancel()
            do {
                _ = try await task.value
                Issue.record("the statement ran to its end")
            } catch let error as PGError {
                #expect(error.sqlState == .queryCanceled || error.kind == .cancelled, "\(error)")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await conn.textResults("SELECT 4", keepingRows: 1).first?.rows == [["4"]])
        }
    }
}
