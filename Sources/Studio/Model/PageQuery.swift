import PGKit

/// Where a page starts and how rows are ordered.
public struct PageQuery: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        /// By primary key: keyset paging (`WHERE key > last`), cheap on any table size.
        case primaryKey(descending: Bool)
        /// By another column: ties broken by the key, paged by offset.
        case column(String, descending: Bool)
    }

    public var order: Order = .primaryKey(descending: false)
    public var filter: StudioFilter?
    /// The last key of the previous page (keyset order), as text.
    public var afterKey: [String]?
    /// Rows to skip (column order).
    public var offset = 0
    public var limit = 100

    public init() {}

    /// The statement for one page: every column as text (for display) plus the key columns,
    /// values bound as parameters, identifiers quoted.
    public func sql(for table: TableInfo) -> PGQuery {
        let columns = table.columns.map { "\(PGQuery.quoteIdentifier($0.name))::text" }
        let key = table.primaryKey.isEmpty ? ["ctid"] : table.primaryKey.map(PGQuery.quoteIdentifier)
        var query = PGQuery(String("SELECT \((columns + key.map { "\($0)::text" }).joined(separator: ", ")) FROM \(PGQuery.quoteIdentifier(table.name)) WHERE true"))
        if let filter {
            query.append(PGQuery(" AND ("))
            query.append(filter.sql(for: table))
            query.sql += ")"
        }
        switch order {
        case .primaryKey(let descending):
            if let afterKey, afterKey.count == key.count, !table.primaryKey.isEmpty {
                let types = table.primaryKey.map { table.column(named: $0)?.type ?? "text" }
                var placeholders: [String] = []
                for (value, type) in zip(afterKey, types) {
                    query.parameters.append(value)
                    placeholders.append("CAST($\(query.parameters.count) AS \(type))")
                }
                query.sql += " AND (\(key.joined(separator: ", "))) \(descending ? "<" : ">") (\(placeholders.joined(separator: ", ")))"
            }
            query.sql += " ORDER BY " + key.map { "\($0) \(descending ? "DESC" : "ASC")" }.joined(separator: ", ")
        case .column(let name, let descending):
            let direction = descending ? "DESC" : "ASC"
            query.sql += " ORDER BY \(PGQuery.quoteIdentifier(name)) \(direction) NULLS LAST, " + key.map { "\($0) \(direction)" }.joined(separator: ", ")
            if offset > 0 { query.sql += " OFFSET \(offset)" }
        }
        query.sql += " LIMIT \(limit)"
        return query
    }
}
