import Foundation
import PGKit
import Testing

/// Compares PGKit with the server's own text output, the reference no PGKit code produces:
/// `format('%s', value)` calls the type's output function (what psql shows; `::text` is not
/// always that: `text(inet)` adds `/32`, `xml::text` keeps a declaration `xml_out` drops).
///
/// - `sending`: PGKit encodes each value (one at a time in a pipeline, and all together as an
///   array), the server prints what it received, and that must equal `description`.
/// - `reading`: the server parses each literal, PGKit decodes the binary value, and its
///   `description` must equal the server's text; with `parse`, PGKit's own parser must read
///   the literal as the server did.
///
/// Both return the differences, described; a test expects none.
struct ServerTextDifferential {
    let conn: PGConnection

    /// `printed` turns a SQL expression of the type into the reference text (by default its
    /// output function, `format('%s', ...)`).
    /// Without `cast`, the parameter is used as sent (its type is `T.pgDataType`).
    func sending<T: PGEncodable & CustomStringConvertible>(
        _ values: [T], as sqlType: String, cast: Bool = true, printed: (String) -> String = { "format('%s', \($0))" }
    ) async throws -> [String] {
        var differences: [String] = []
        var pipeline = PGPipeline(transactional: false)
        let sql = "SELECT \(printed(cast ? "$1::\(sqlType)" : "$1"))"
        for value in values { pipeline.append(sql, [value]) }
        let results = try await conn.execute(pipeline)
        if results.count != values.count { differences.append("\(values.count) statements, \(results.count) results") }
        for (value, result) in zip(values, results) {
            switch result {
            case .success(let rows):
                let server = try rows.scalar(String.self) ?? "NULL"
                if server != value.description { differences.append("sent \(value.description), server printed \(server)") }
            case .failure(let error):
                differences.append("sent \(value.description), server refused: \(error.message)")
            }
        }
        let batch = try await conn.query(
            "SELECT \(printed("v")) FROM unnest($1\(cast ? "::\(sqlType)[]" : "")) WITH ORDINALITY AS u(v, n) ORDER BY n", [values])
        let printed = try batch.map { row throws(PGError) in try row.decode(String.self, at: 0) }
        if printed.count != values.count {
            differences.append("array of \(values.count) came back with \(printed.count) elements")
        }
        for (value, server) in zip(values, printed) where server != value.description {
            differences.append("in an array, sent \(value.description), server printed \(server)")
        }
        return differences
    }

    func reading<T: PGDecodable & CustomStringConvertible>(
        _ literals: [String], as sqlType: String, into: T.Type, parse: ((String) throws -> T)? = nil,
        printed: (String) -> String = { "format('%s', \($0))" }
    ) async throws -> [String] {
        var differences: [String] = []
        let rows = try await conn.query(PGQuery(
            "SELECT t::\(sqlType), \(printed("t::\(sqlType)")) FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n", parameters: [literals]))
        if rows.count != literals.count { differences.append("\(literals.count) literals, \(rows.count) rows") }
        for (literal, row) in zip(literals, rows) {
            let server = try row.decode(String.self, at: 1)
            do {
                let decoded = try row.decode(T.self, at: 0)
                if decoded.description != server { differences.append("'\(literal)': server printed \(server), PGKit read \(decoded.description)") }
            } catch {
                differences.append("'\(literal)': PGKit could not read \(server): \(error)")
            }
            if let parse {
                do {
                    let parsed = try parse(literal)
                    if parsed.description != server { differences.append("'\(literal)': server parsed \(server), PGKit parsed \(parsed.description)") }
                } catch {
                    differences.append("'\(literal)': server parsed \(server), PGKit refused: \(error)")
                }
            }
        }
        return differences
    }

    /// Throws unless decoding column 0 of `sql` as `T` fails with `.decodingFailed`.
    func expectDecodingFails<T: PGDecodable>(_ sql: String, as type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let row = try #require(try await conn.query(PGQuery(sql)).first)
        do {
            let value = try row.decode(T.self, at: 0)
            Issue.record("\(sql) read as \(T.self) gave \(value) instead of an error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .decodingFailed, "\(sql) as \(T.self): \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Expects `body` to throw `PGError` of kind `.invalidParameter`.
func expectInvalidParameter<T>(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        let value = try body()
        Issue.record("\(what): expected .invalidParameter, got \(value)", sourceLocation: sourceLocation)
    } catch let error as PGError {
        #expect(error.kind == .invalidParameter, "\(what): \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): expected PGError, got \(error)", sourceLocation: sourceLocation)
    }
}
