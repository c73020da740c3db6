@testable import ModelGenerator
import Testing

/// Query files: annotations, named parameters, lines, and what hides a parameter or a join.
@Suite struct QueryFileParserTests {
    @Test func namedStatementsWithTheirKindsLinesAndSQL() throws {
        let queries = try QueryFileParser.parse("""
            -- Messages.

            -- name: first :one
            SELECT 1 AS one;

            -- name: all :many
            -- a comment inside the query stays
            SELECT *
            FROM messages;
            --  name:   touch   :exec
            UPDATE sessions SET title = 'x'
            """, file: "queries/m.sql")
        #expect(queries.map(\.name) == ["first", "all", "touch"])
        #expect(queries.map(\.kind) == [.one, .many, .exec])
        #expect(queries.map(\.line) == [3, 6, 10])
        #expect(queries.map(\.sqlLine) == [4, 7, 11])
        #expect(queries[0].sql == "SELECT 1 AS one")
        #expect(queries[1].sql == "-- a comment inside the query stays\nSELECT *\nFROM messages")
        #expect(queries[1].location == "queries/m.sql:6")
    }

    @Test func namedParametersBecomeNumberedOnceEachOutsideStringsAndComments() throws {
        let query = try #require(try QueryFileParser.parse("""
            -- name: q :many
            SELECT '@notOne', "@alsoNot", $$ @nor $$, E'\\' @still'
            FROM t /* @hidden */ WHERE a = @first AND b = @second? -- @comment
              AND c = @first AND d @> '{}' AND e ?| array['x'] AND f::text = @third
            """, file: "q.sql").first)
        #expect(query.namedParameters.map(\.name) == ["first", "second", "third"])
        #expect(query.namedParameters.map(\.isOptional) == [false, true, false])
        #expect(query.sql.contains("WHERE a = $1 AND b = $2 -- @comment\n  AND c = $1 AND d @> '{}'"))
        #expect(query.sql.contains("f::text = $3"))
        #expect(query.sql.contains("'@notOne', \"@alsoNot\", $$ @nor $$, E'\\' @still'"))
    }

    @Test func malformedFilesFailWithTheirLine() {
        #expect(throws: QueryGenerationError(file: "q.sql", line: 2, query: nil, message: "SQL before any `-- name: NAME :one|:many|:exec|:stream` line")) {
            try QueryFileParser.parse("-- fine\nSELECT 1", file: "q.sql")
        }
        #expect(throws: QueryGenerationError.self) { try QueryFileParser.parse("-- name: q :some\nSELECT 1", file: "q.sql") }
        #expect(throws: QueryGenerationError.self) { try QueryFileParser.parse("-- name: my-query :one\nSELECT 1", file: "q.sql") }
        #expect(throws: QueryGenerationError.self) { try QueryFileParser.parse("-- name: ping :exec\nSELECT 1", file: "q.sql") }
        #expect(throws: QueryGenerationError.self) { try QueryFileParser.parse("-- name: q :one\n\n-- name: r :one\nSELECT 1", file: "q.sql") }
        let mixed = #expect(throws: QueryGenerationError.self) {
            try QueryFileParser.parse("\n-- name: q :one\nSELECT 1\nWHERE a = $1 AND b = @b", file: "q.sql")
        }
        #expect(mixed?.description.hasPrefix("q.sql:3: q: the query mixes named") == true)
    }

    @Test func serverPositionsMapToFileLines() throws {
        let query = try #require(try QueryFileParser.parse("\n\n-- name: q :many\nSELECT id,\n       @p AS x,\n  nope FROM t", file: "q.sql").first)
        let position = query.sql.distance(from: query.sql.startIndex, to: query.sql.range(of: "nope")!.lowerBound) + 1
        #expect(query.line(ofPosition: position) == 6)
        #expect(query.line(ofPosition: nil) == 4)
    }

    @Test func nullableSourcesFromJoins() {
        #expect(NullableSources(sql: "SELECT * FROM a JOIN b ON true").tables.isEmpty)
        #expect(NullableSources(sql: "SELECT * FROM a LEFT JOIN public.b x ON true LEFT OUTER JOIN \"C\" ON true").tables == ["b", "c"])
        #expect(NullableSources(sql: "SELECT * FROM a RIGHT JOIN b ON true").everything)
        #expect(NullableSources(sql: "SELECT * FROM a FULL JOIN b ON true").everything)
        #expect(NullableSources(sql: "SELECT * FROM a LEFT JOIN (SELECT 1) s ON true").everything)
        #expect(NullableSources(sql: "SELECT * FROM a LEFT JOIN LATERAL (SELECT 1) s ON true").everything)
        #expect(NullableSources(sql: "WITH w AS (SELECT 1) SELECT * FROM a LEFT JOIN w ON true").everything)
        #expect(NullableSources(sql: "SELECT a, count(*) FROM t GROUP BY ROLLUP (a)").everything)
        #expect(!NullableSources(sql: "SELECT 'LEFT JOIN b' FROM a -- RIGHT JOIN").everything)
    }

    @Test func queryNamesBecomeSwiftIdentifiers() {
        #expect(SwiftNaming.identifierName(forQueryName: "session_id") == "sessionId")
        #expect(SwiftNaming.identifierName(forQueryName: "sessionId") == "sessionId")
        #expect(SwiftNaming.identifierName(forQueryName: "ID") == "id")
        #expect(SwiftNaming.identifierName(forQueryName: "default") == "`default`")
    }
}
