/// A SQL statement and its parameters. Interpolated values become bound parameters
/// (`$1`, `$2`, ...), never text in the SQL, so they cannot inject anything:
/// ```swift
/// let rows = try await conn.query("SELECT name FROM users WHERE id = \(id) AND role = \(role)")
/// ```
/// Identifiers from variables go through `\(identifier: name)`, which quotes them; trusted SQL
/// fragments (a sort direction chosen from a fixed list) through `\(unescaped: "DESC")`.
public struct PGQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text with `$n` placeholders.
    public var sql: String
    /// The values bound to the placeholders, in order.
    public var parameters: [any PGEncodable]

    public init(_ sql: String, parameters: [any PGEncodable] = []) {
        self.sql = sql
        self.parameters = parameters
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(stringInterpolation.sql, parameters: stringInterpolation.parameters)
    }

    /// The SQL text only; parameter values are never part of a query's description.
    public var description: String { sql }

    /// Builds the SQL and the parameter list of an interpolated query.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var parameters: [any PGEncodable]

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            parameters = []
            parameters.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// Binds `value` as the next parameter.
        public mutating func appendInterpolation(_ value: some PGEncodable) {
            parameters.append(value)
            appendPlaceholder()
        }

        /// Binds `value`, or NULL when it is nil.
        public mutating func appendInterpolation<T: PGEncodable>(_ value: T?) {
            parameters.append(value)
            appendPlaceholder()
        }

        /// `$n` for the parameter just appended; the first 32 come ready-made (formatting the
        /// number cost more than the rest of building a small query).
        private mutating func appendPlaceholder() {
            let number = parameters.count
            if number <= PGQuery.placeholders.count {
                sql += PGQuery.placeholders[number - 1]
            } else {
                sql += "$\(number)"
            }
        }

        /// A double-quoted identifier (table, column), safe for any name.
        public mutating func appendInterpolation(identifier: String) {
            sql += PGQuery.quoteIdentifier(identifier)
        }

        /// Text spliced into the SQL as is. Only for fragments the program itself chose.
        public mutating func appendInterpolation(unescaped fragment: String) { sql += fragment }

        /// Another query's SQL and parameters, renumbered to follow this one's.
        public mutating func appendInterpolation(_ fragment: PGQuery) {
            sql += fragment.renumbered(startingAfter: parameters.count)
            parameters.append(contentsOf: fragment.parameters)
        }
    }

    /// `$1` to `$32`.
    static let placeholders: [String] = (1...32).map { "$\($0)" }

    /// Appends another query (its placeholders renumbered), as when composing a WHERE clause.
    public mutating func append(_ other: PGQuery) {
        sql += other.renumbered(startingAfter: parameters.count)
        parameters.append(contentsOf: other.parameters)
    }

    /// `name` as a double-quoted identifier, with embedded quotes doubled.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\0", with: "") + "\""
    }

    /// A table name, optionally schema-qualified (`chat.messages`), with each part quoted.
    public static func quoteQualifiedName(_ name: String) -> String {
        name.split(separator: ".", maxSplits: 1).map { quoteIdentifier(String($0)) }.joined(separator: ".")
    }

    /// The SQL with `$n` rewritten to `$(n+offset)`, outside quotes and comments.
    func renumbered(startingAfter offset: Int) -> String {
        guard offset > 0, !parameters.isEmpty else { return sql }
        var result = ""
        var index = sql.startIndex
        var quote: Character?
        while index < sql.endIndex {
            let character = sql[index]
            if let open = quote {
                result.append(character)
                if character == open { quote = nil }
                index = sql.index(after: index)
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
                result.append(character)
                index = sql.index(after: index)
                continue
            }
            if character == "$" {
                var end = sql.index(after: index)
                while end < sql.endIndex, sql[end].isASCII, sql[end].isNumber { end = sql.index(after: end) }
                if let number = Int(sql[sql.index(after: index)..<end]) {
                    result += "$\(number + offset)"
                    index = end
                    continue
                }
            }
            result.append(character)
            index = sql.index(after: index)
        }
        return result
    }
}
