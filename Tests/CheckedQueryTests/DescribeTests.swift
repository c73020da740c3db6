import Foundation
import ModelGenerator
import PGKit
import PGKitTestSupport
import Testing

/// `PGConnection.describe` against a real server.
@Suite struct DescribeTests {
    static let database = SuiteDatabase("describe")

    @Test func describesParametersColumnsAndTheirTableColumns() async throws {
        try await Self.database.withConnection { connection in
            try await connection.executeScript("CREATE TABLE notes (id int8 PRIMARY KEY, body text NOT NULL)")
            let description = try await connection.describe("SELECT id, body, length(body) AS size FROM notes WHERE id = $1 AND body <> $2")
            #expect(description.parameterTypes == [20, 25])
            #expect(description.columns.map(\.name) == ["id", "body", "size"])
            #expect(description.columns.map(\.typeOID) == [20, 25, 23])
            #expect(description.columns[0].tableOID != 0 && description.columns[0].tableColumn == 1)
            #expect(description.columns[1].tableColumn == 2)
            #expect(description.columns[2].tableOID == 0)
            // The connection goes on working, prepared statements included.
            let rows = try await connection.query("SELECT t.oid::int8, t.typname::text FROM pg_type t WHERE t.oid::int8 = ANY (\([Int64(25), 2950]))")
            #expect(rows.count == 2)
        }
    }

    @Test func aStatementThatDoesNotPrepareThrowsTheServersErrorWithItsPosition() async throws {
        try await Self.database.withConnection { connection in
            try await connection.executeScript("CREATE TABLE drafts (id int8 PRIMARY KEY, body text NOT NULL)")
            let error = try await #require(throws: PGError.self) { try await connection.describe("SELECT id,\n  bdy FROM drafts") }
            #expect(error.sqlState == PGSQLState(rawValue: "42703"))
            #expect(error.position == 14)
            #expect(try await connection.query("SELECT 1").scalar(Int32.self) == 1)
        }
    }
}
