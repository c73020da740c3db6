import Foundation
import PGKit
import PGKitTestSupport
@testable import Studio
import Testing

/// Filters and edits built by the studio match and store hostile text verbatim, on a real server.
@Suite struct StudioFilterDatabaseTests {
    static let database = SuiteDatabase("studio_filters")

    @Test func hostileFilterValuesAndIdentifiersAreMatchedVerbatim() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript(#"DROP TABLE IF EXISTS "odd.""table"""; CREATE TABLE "odd.""table""" (id int PRIMARY KEY, "we""ird col" text)"#)
            let hostile = "x'); DROP TABLE users; -- % _ \\ 💥"
            try await conn.execute(#"INSERT INTO "odd.""table""" VALUES (1, $1), (2, 'plain')"#, [hostile])
            let tables = try await StudioCatalog.tables(on: conn)
            let table = try #require(tables.first { $0.name == "odd.\"table\"" })
            var query = PageQuery()
            query.filter = try StudioFilter("we\"ird col = '\(hostile)'", columns: table.columns)
            let work = StudioWork(config: try await Self.database.configuration(), readOnly: true, connection: conn, results: SQLResultSlot())
            let rows = try await work.loadPage(table, query)
            #expect(rows.rows.map { $0[0] } == ["1"])
            query.filter = try StudioFilter("we\"ird col ~ %", columns: table.columns)
            #expect(try await work.loadPage(table, query).rows.count == 1,
                    "% in a contains filter is literal")
            // An edit stores hostile text as it is.
            let statement = StudioStatements.update(table: table, column: table.columns[1], value: hostile + "!", key: ["2"])
            #expect(try await conn.execute(statement.query) == 1)
            #expect(try await conn.query(#"SELECT "we""ird col" FROM "odd.""table""" WHERE id = 2"#).scalar(String.self) == hostile + "!")
        }
    }
}
