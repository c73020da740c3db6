import Foundation
import Migrator
import ModelGenerator
import PGKit
import PGKitTestSupport
import Testing

/// Queries described against the real chat schema: types, nullability, overrides, errors with file:line.
@Suite struct QueryIntrospectorTests {
    static let database = MigratedDatabase("checked_queries")

    func describe(_ file: String) async throws -> [DescribedQuery] {
        let queries = try QueryFileParser.parse(file, file: "queries/test.sql")
        return try await Self.database.withConnection { connection in
            try await QueryIntrospector.describe(queries, on: connection, knownVectorDimensions: [384])
        }
    }

    func columns(_ sql: String) async throws -> [String: String] {
        let described = try await describe("-- name: q :many\n" + sql)
        return Dictionary(uniqueKeysWithValues: described[0].columns.map { ($0.property, $0.swiftType + ($0.isOptional ? "?" : "")) })
    }

    @Test func baseTableColumnsFollowTheirNotNullConstraint() async throws {
        #expect(try await columns("SELECT id, content, parent_message_id, metadata, thread_level, created_at, edited_at FROM messages") == [
            "id": "UUID", "content": "String", "parentMessageId": "UUID?", "metadata": "PGJSONValue",
            "threadLevel": "Int32", "createdAt": "Date", "editedAt": "Date?",
        ])
        #expect(try await columns("SELECT embedding, importance, tags FROM memories, sessions LIMIT 1")
            == ["embedding": "Vector384?", "importance": "Double", "tags": "[String]"])
        #expect(try await columns("SELECT is_archived, email FROM sessions, users") == ["isArchived": "Bool", "email": "String"])
        // A vector read as an expression has no known dimension: the untyped PGVector.
        #expect(try await columns("SELECT embedding::vector AS raw FROM memories") == ["raw": "PGVector?"])
    }

    @Test func returningColumnsFollowTheTable() async throws {
        #expect(try await columns("INSERT INTO users (email) VALUES ('a@b.c') RETURNING id, name") == ["id": "UUID", "name": "String?"])
    }

    @Test func innerJoinKeepsBothSidesNonOptional() async throws {
        let types = try await columns("SELECT m.content, s.id AS session FROM messages m JOIN sessions s ON s.id = m.session_id")
        #expect(types == ["content": "String", "session": "UUID"])
    }

    @Test func leftJoinMakesTheRightSideOptionalOnly() async throws {
        let types = try await columns("SELECT s.id, m.content FROM sessions s LEFT JOIN messages m ON m.session_id = s.id")
        #expect(types == ["id": "UUID", "content": "String?"])
    }

    @Test func rightAndFullJoinsMakeEverythingOptional() async throws {
        #expect(try await columns("SELECT s.id, m.id AS message FROM sessions s RIGHT JOIN messages m ON m.session_id = s.id")
            == ["id": "UUID?", "message": "UUID?"])
        #expect(try await columns("SELECT s.id FROM sessions s FULL OUTER JOIN messages m ON m.session_id = s.id") == ["id": "UUID?"])
    }

    @Test func aggregatesCoalesceAndExpressionsAreOptionalUnlessOverridden() async throws {
        let types = try await columns("""
            SELECT count(*) AS total, max(created_at) AS latest, coalesce(max(content), '') AS "longest!",
                   upper(min(content)) AS shout, min(role) AS "first?"
            FROM messages
            """)
        #expect(types == ["total": "Int64?", "latest": "Date?", "longest": "String", "shout": "String?", "first": "String?"])
    }

    @Test func aQuestionMarkForcesANotNullColumnOptional() async throws {
        #expect(try await columns(#"SELECT id AS "id?" FROM messages"#) == ["id": "UUID?"])
    }

    @Test func namedParametersAreTypedAndLabelledAndMayBeOptional() async throws {
        let described = try await describe("""
            -- name: q :exec
            UPDATE sessions SET title = @title? WHERE id = @id AND title IS DISTINCT FROM @title?
            """)
        #expect(described[0].parameters.map(\.label) == ["title", "id"])
        #expect(described[0].parameters.map(\.swiftType) == ["String?", "UUID"])
        #expect(described[0].query.sql.contains("title = $1 WHERE id = $2 AND title IS DISTINCT FROM $1"))
    }

    @Test func positionalParametersAreUnlabelled() async throws {
        let described = try await describe("-- name: q :one\nSELECT id FROM messages WHERE session_id = $1 LIMIT $2")
        #expect(described[0].parameters.map(\.label) == [nil, nil])
        #expect(described[0].parameters.map(\.swiftType) == ["UUID", "Int64"])
    }

    @Test func aQueryThatNoLongerPreparesNamesItsFileLineAndTheServersMessage() async throws {
        let error = try await #require(throws: QueryGenerationErrors.self) {
            try await describe("""
                -- name: fine :one
                SELECT id FROM messages

                -- name: broken :many
                SELECT id,
                       contnt
                FROM messages
                """)
        }
        #expect(error.problems.count == 1)
        #expect(error.description.hasPrefix("queries/test.sql:6: broken: column \"contnt\" does not exist"), "\(error)")
    }

    @Test func anUnsupportedTypeSaysHowToCast() async throws {
        let error = try await #require(throws: QueryGenerationErrors.self) {
            try await describe("-- name: q :one\nSELECT '1 day'::interval AS span")
        }
        #expect(error.description.contains("column \"span\" has type interval"), "\(error)")
        #expect(error.description.contains("span::text"), "\(error)")
    }
}

/// A database with the chat migrations applied, shared by a suite.
final class MigratedDatabase: Sendable {
    private let config: Task<PGConfig, any Error>

    init(_ suite: String) {
        config = Task {
            let config = try await TestDatabase.create(suite)
            try await Migrator(config: config, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
            return config
        }
    }

    func configuration() async throws -> PGConfig { try await config.value }

    func withConnection<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        try await PGConnection.withConnection(try await config.value, body)
    }
}
