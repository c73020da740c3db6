import Foundation
import PGKit
import PGKitTestSupport
@testable import Studio
import Testing

/// What the studio reads, on a real server: long values cut on screen and whole in exports,
/// SQL that writes or runs several statements shown as psql would, a query paged through its cursor.
@Suite(.serialized) struct StudioResultDatabaseTests {
    static let database = SuiteDatabase("studio_results")

    func work(_ conn: PGConnection, readOnly: Bool = false) async throws -> StudioWork {
        StudioWork(config: try await Self.database.configuration(), readOnly: readOnly, connection: conn, results: SQLResultSlot())
    }

    @Test func tablePagesCutLongValuesAndExportsKeepThemWhole() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("""
                DROP TABLE IF EXISTS long_notes; CREATE TABLE long_notes (id int PRIMARY KEY, body text);
                INSERT INTO long_notes VALUES (1, repeat('é', 100000)), (2, 'short');
                """)
            let table = try #require(try await StudioCatalog.tables(on: conn).first { $0.name == "long_notes" })
            let work = try await work(conn)
            let page = try await work.loadPage(table, PageQuery())
            #expect(page.rows[0][1]?.count == StudioLimits.valueCharacters && page.rows[1][1] == "short")
            #expect(page.cutCells == [.init(row: 0, column: 1)])
            var state = StudioState(tables: [table], readOnly: false)
            _ = state.selectTable(0)
            state.show(page)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("long-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try await work.export(state, to: path) == 2)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3 && lines[1] == "1," + String(repeating: "é", count: 100_000), "the export has the value whole")
        }
    }

    @Test func aQueryPagesThroughItsCursorAndExportsEveryRow() async throws {
        try await Self.database.withConnection { conn throws in
            let work = try await work(conn, readOnly: true)
            let first = try await work.runSQL("select g, g * 2 as twice from generate_series(1, 2500) g order by g;")
            #expect(first.rows.count == 1000 && first.rows[0] == ["1", "2"] && first.result?.hasMore == true && first.result?.isPageable == true)
            var state = StudioState(tables: [], readOnly: true)
            state.show(first)
            state.focus = .grid
            let effect = state.handle(.pageDown)
            #expect(effect == .fetchResult(offset: 1000))
            let change = try await work.perform(try #require(effect), state)
            change(&state)
            #expect(state.page.rows.first == ["1001", "2002"] && state.page.result?.offset == 1000)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("query-\(UUID().uuidString).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try await work.export(state, to: path) == 2500)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2500 && lines[2499] == #"{"g":"2500","twice":"5000"}"#)
            // The cursor's transaction is read-only, and closes when the studio goes back to a table.
            #expect(try await work.results.current?.connection.query("SHOW transaction_read_only").scalar(String.self) == "on")
            await work.results.replace(with: nil)
            #expect(work.results.current == nil)
        }
    }

    @Test func sqlThatWritesOrRunsSeveralStatementsShowsItsCommandTags() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TABLE IF EXISTS tagged; CREATE TABLE tagged (id int); DROP SEQUENCE IF EXISTS tag_seq; CREATE SEQUENCE tag_seq")
            let work = try await work(conn)
            let script = try await work.runSQL("insert into tagged select generate_series(1, 3); update tagged set id = id where id < 3")
            #expect(script.result?.commandTags == ["INSERT 0 3", "UPDATE 2"] && script.rows == [["INSERT 0 3"], ["UPDATE 2"]])
            // A query that writes cannot run in the read-only cursor: it runs once instead.
            let nextval = try await work.runSQL("select nextval('tag_seq') as n")
            #expect(nextval.rows == [["1"]] && nextval.result?.isPageable == false && nextval.result?.commandTags == ["SELECT 1"])
            // Read-only sessions refuse it.
            await #expect(throws: PGError.self) { _ = try await self.work(conn, readOnly: true).runSQL("select nextval('tag_seq')") }
            #expect(try await conn.query("SELECT last_value FROM tag_seq").scalar(Int.self) == 1)
        }
    }
}
