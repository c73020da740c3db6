import PGKit

/// A statement with its parameters as text, shown to the user before it runs.
public struct PGQueryText: Sendable, Equatable {
    public let sql: String
    /// Values bound to `$1`, `$2`...; nil is NULL.
    public let parameters: [String?]

    /// What the confirmation shows: the SQL, then each parameter.
    public var display: String {
        ([sql] + parameters.enumerated().map { "  $\($0.offset + 1) = \($0.element.map { "'\($0)'" } ?? "NULL")" }).joined(separator: "\n")
    }

    public var query: PGQuery { PGQuery(sql, parameters: parameters.map { $0 as any PGEncodable }) }
}

/// The edits the studio makes, always with values as parameters cast to the column's type and
/// the row found by its primary key.
public enum StudioStatements {
    public static func update(table: TableInfo, column: TableInfo.Column, value: String?, key: [String]) -> PGQueryText {
        var parameters: [String?] = [value]
        let (condition, keyParameters) = keyCondition(table, key, startingAt: 2)
        parameters += keyParameters
        return PGQueryText(
            sql: "UPDATE \(PGQuery.quoteIdentifier(table.name)) SET \(PGQuery.quoteIdentifier(column.name)) = CAST($1 AS \(column.type)) WHERE \(condition)",
            parameters: parameters)
    }

    public static func delete(table: TableInfo, key: [String]) -> PGQueryText {
        let (condition, parameters) = keyCondition(table, key, startingAt: 1)
        return PGQueryText(sql: "DELETE FROM \(PGQuery.quoteIdentifier(table.name)) WHERE \(condition)", parameters: parameters)
    }

    public static func insert(table: TableInfo, values: [(TableInfo.Column, String?)]) -> PGQueryText {
        let columns = values.map { PGQuery.quoteIdentifier($0.0.name) }.joined(separator: ", ")
        let placeholders = values.enumerated().map { "CAST($\($0.offset + 1) AS \($0.element.0.type))" }.joined(separator: ", ")
        return PGQueryText(sql: "INSERT INTO \(PGQuery.quoteIdentifier(table.name)) (\(columns)) VALUES (\(placeholders))",
                           parameters: values.map(\.1))
    }

    private static func keyCondition(_ table: TableInfo, _ key: [String], startingAt first: Int) -> (String, [String?]) {
        let parts = table.primaryKey.enumerated().map { index, name in
            "\(PGQuery.quoteIdentifier(name)) = CAST($\(first + index) AS \(table.column(named: name)?.type ?? "text"))"
        }
        return (parts.joined(separator: " AND "), key.map { Optional($0) })
    }
}
