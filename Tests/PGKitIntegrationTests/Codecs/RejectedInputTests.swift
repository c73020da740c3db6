import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Invalid values fail with a typed error before anything is sent, nothing is written, and
/// the connection stays usable.
@Suite struct RejectedInputTests {
    static let database = SuiteDatabase("rejected_input")

    func expectInvalid(_ kind: PGError.Kind, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected a \(kind) error")
        } catch let error as PGError {
            #expect(error.kind == kind, "\(error)")
        } catch {
            Issue.record("expected PGError, got \(error)")
        }
    }

    @Test func vectorsWithNaNInfinityWrongDimensionOrNothingAreRejected() async throws {
        await expectInvalid(.invalidParameter) { _ = try PGVector([1, .nan, 3]) }
        await expectInvalid(.invalidParameter) { _ = try PGVector([.infinity]) }
        await expectInvalid(.invalidParameter) { _ = try PGVector([-.infinity, 0]) }
        await expectInvalid(.invalidParameter) { _ = try PGVector([]) }
        await expectInvalid(.invalidParameter) { _ = try PGVector([1, 2, 3], dimensions: 384) }
        await expectInvalid(.invalidParameter) { _ = try PGVector([Float](repeating: 1, count: 16_001)) }
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS vectors (id serial PRIMARY KEY, v vector(3))")
            // The server refuses a vector of the wrong size for the column, and writes nothing.
            await expectInvalid(.server) {
                try await conn.execute("INSERT INTO vectors (v) VALUES (\(try PGVector([1, 2])))")
            }
            #expect(try await conn.query("SELECT count(*) FROM vectors").scalar(Int.self) == 0)
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test func textWithNULIsRejectedAndConnectionStaysUsable() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS notes (body text)")
            await expectInvalid(.invalidParameter) {
                try await conn.execute("INSERT INTO notes VALUES (\("before\0after"))")
            }
            #expect(try await conn.query("SELECT count(*) FROM notes").scalar(Int.self) == 0)
            #expect(try await conn.query("SELECT \("still fine")::text").scalar(String.self) == "still fine")
        }
    }

    @Test func outOfRangeIntegersAreRejectedBothWays() async throws {
        try await Self.database.withConnection { conn throws in
            await expectInvalid(.invalidParameter) { _ = try await conn.query("SELECT \(UInt64.max)::int8") }
            await expectInvalid(.decodingFailed) { _ = try await conn.query("SELECT 70000::int4").scalar(Int16.self) }
            await expectInvalid(.decodingFailed) { _ = try await conn.query("SELECT (-1)::int8").scalar(UInt32.self) }
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS small (n int2)")
            let tooBig: Int64 = 40_000
            await expectInvalid(.server) { try await conn.execute("INSERT INTO small VALUES (\(tooBig))") }
            #expect(try await conn.query("SELECT count(*) FROM small").scalar(Int.self) == 0)
            #expect(try await conn.query("SELECT 2").scalar(Int.self) == 2)
        }
    }

    struct Expected: Codable, Sendable { var count: Int }

    @Test func mismatchedTypesAndInvalidUTF8AreDecodingErrors() async throws {
        try await Self.database.withConnection { conn throws in
            await expectInvalid(.decodingFailed) { _ = try await conn.query("SELECT 'x'::text").scalar(Int.self) }
            await expectInvalid(.decodingFailed) { _ = try await conn.query("SELECT NULL::text").scalar(String.self) }
            await expectInvalid(.decodingFailed) {
                _ = try await conn.query("SELECT convert_from('\\xff'::bytea, 'LATIN1')::bytea").scalar(String.self)
            }
            await expectInvalid(.decodingFailed) {
                _ = try await conn.query("SELECT '{\"count\": \"many\"}'::jsonb").scalar(PGJSONB<Expected>.self)
            }
            #expect(try await conn.query("SELECT 3").scalar(Int.self) == 3)
        }
    }

    @Test func serverErrorsCarryEveryField() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS people (email text CONSTRAINT people_email_key UNIQUE, age int CHECK (age >= 0))")
            try await conn.execute("INSERT INTO people VALUES (\("a@x"), 1) ON CONFLICT DO NOTHING")
            do {
                try await conn.execute("INSERT INTO people VALUES (\("a@x"), 2)")
                Issue.record("expected unique violation")
            } catch let error as PGError {
                #expect(error.sqlState == .uniqueViolation)
                #expect(error.constraint == "people_email_key")
                #expect(error.table == "people")
                #expect(error.detail?.contains("already exists") == true)
            }
            do {
                try await conn.execute("INSERT INTO people VALUES (\("b@x"), \(-1))")
                Issue.record("expected check violation")
            } catch let error as PGError {
                #expect(error.sqlState == .checkViolation)
            }
            do {
                try await conn.query("SELEC 1")
                Issue.record("expected syntax error")
            } catch let error as PGError {
                #expect(error.sqlState == .syntaxError)
                #expect(error.position == 1)
            }
            do {
                try await conn.query("SELECT * FROM missing_table")
                Issue.record("expected undefined table")
            } catch let error as PGError {
                #expect(error.sqlState == .undefinedTable)
            }
        }
    }

    @Test func injectionStringsAreStoredVerbatim() async throws {
        let hostile = [
            "'; DROP TABLE users; --",
            "\"; DROP TABLE users; --",
            "' OR '1'='1",
            "$1; SELECT pg_sleep(10)",
            "\\'; TRUNCATE users; --",
            "Robert'); DROP TABLE students;--",
            "$$; DROP TABLE users; $$",
            "/* */ UNION SELECT password FROM pg_shadow --",
        ]
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS users (id serial PRIMARY KEY, name text)")
            for value in hostile {
                let id = try await conn.query("INSERT INTO users (name) VALUES (\(value)) RETURNING id").scalar(Int32.self)!
                #expect(try await conn.query("SELECT name FROM users WHERE id = \(id)").scalar(String.self) == value)
                #expect(try await conn.query("SELECT count(*) FROM users WHERE name = \(value)").scalar(Int.self)! >= 1)
            }
            #expect(try await conn.query("SELECT to_regclass('users') IS NOT NULL").scalar(Bool.self) == true)
            let quoted = PGQuery.quoteIdentifier("weird \"table\"; DROP")
            try await conn.executeScript("CREATE TABLE IF NOT EXISTS \(quoted) (x int)")
            #expect(try await conn.query("SELECT count(*) FROM \(identifier: "weird \"table\"; DROP")").scalar(Int.self) == 0)
        }
    }
}
