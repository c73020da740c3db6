import PGKit

/// The filter typed at the `/` prompt: conditions such as `role = user and content ~ hello`,
/// turned into SQL whose values are always bound parameters, cast to each column's type.
///
/// Operators: `=`, `!=`, `<`, `<=`, `>`, `>=`, `~` (contains, case-insensitive), `is null`,
/// `is not null`; conditions joined with `and`.
public struct StudioFilter: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public let column: String
        public let operation: String
        public let value: String?
    }

    public let text: String
    public let conditions: [Condition]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unknownColumn(String)
        case malformed(String)
        public var description: String {
            switch self {
            case .unknownColumn(let name): return "no column named \(name)"
            case .malformed(let part): return "cannot read \"\(part)\" (write: column = value, column ~ text, column is null; join with and)"
            }
        }
    }

    static let operations = ["!=", "<=", ">=", "=", "<", ">", "~"]

    public init(_ text: String, columns: [TableInfo.Column]) throws(ParseError) {
        self.text = text
        var conditions: [Condition] = []
        for part in Self.splitOnAnd(text) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            let lower = trimmed.lowercased()
            if lower.hasSuffix(" is not null") || lower.hasSuffix(" is null") {
                let notNull = lower.hasSuffix(" is not null")
                let name = String(trimmed.dropLast(notNull ? 12 : 8)).trimmingCharacters(in: .whitespaces)
                guard columns.contains(where: { $0.name == name }) else { throw .unknownColumn(name) }
                conditions.append(Condition(column: name, operation: notNull ? "is not null" : "is null", value: nil))
                continue
            }
            guard let operation = Self.operations.first(where: { trimmed.contains($0) }),
                  let range = trimmed.range(of: operation) else { throw .malformed(trimmed) }
            let name = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            var value = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "'" || quote == "\"", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            guard !name.isEmpty else { throw .malformed(trimmed) }
            guard columns.contains(where: { $0.name == name }) else { throw .unknownColumn(name) }
            conditions.append(Condition(column: name, operation: operation, value: value))
        }
        guard !conditions.isEmpty else { throw .malformed(text) }
        self.conditions = conditions
    }

    private static func splitOnAnd(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        for word in words {
            for character in word where character == "'" || character == "\"" {
                if quote == character { quote = nil } else if quote == nil { quote = character }
            }
            if quote == nil && word.lowercased() == "and" {
                parts.append(current)
                current = ""
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        parts.append(current)
        return parts.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The SQL condition, with every value a parameter cast to its column's type.
    public func sql(for table: TableInfo) -> PGQuery {
        var query = PGQuery("")
        for (index, condition) in conditions.enumerated() {
            if index > 0 { query.sql += " AND " }
            let column = PGQuery.quoteIdentifier(condition.column)
            let type = table.column(named: condition.column)?.type ?? "text"
            switch condition.operation {
            case "is null": query.sql += "\(column) IS NULL"
            case "is not null": query.sql += "\(column) IS NOT NULL"
            case "~":
                query.parameters.append("%" + Self.escapeLike(condition.value ?? "") + "%")
                query.sql += "\(column)::text ILIKE $\(query.parameters.count)"
            default:
                query.parameters.append(condition.value ?? "")
                let operation = condition.operation == "!=" ? "<>" : condition.operation
                query.sql += "\(column) \(operation) CAST($\(query.parameters.count) AS \(type))"
            }
        }
        return query
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
