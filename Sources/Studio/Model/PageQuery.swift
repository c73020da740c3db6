import PGKit

/// Where a page starts and how rows are ordered.
public struct PageQuery: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        /// By primary key: keyset paging (`WHERE key > last`), cheap on any table size.
        case primaryKey(descending: Bool)
        /// By another column, ties broken by the key: keyset pages on (column, key) when an
        /// index serves that order (`TableInfo.seeksWhenSorted(by:)`), by offset otherwise.
        case column(String, descending: Bool)
    }

    public var order: Order = .primaryKey(descending: false)
    public var filter: StudioFilter?
    /// The last key of the previous page (keyset order), as text.
    public var afterKey: [String]?
    /// Where the previous page sorted by a column ended (keyset column order): the sort value
    /// as text (nil for NULL) and the key.
    public var afterValue: ColumnCursor?
    /// Rows to skip (column order without an index).
    public var offset = 0

    /// The last row of a page sorted by a column.
    public struct ColumnCursor: Sendable, Equatable {
        public var value: String?
        public var key: [String]
    }
    public var limit = 100

    public init() {}

    /// Where the key columns start in a row of `sql(for:)`'s result: after the displayed
    /// columns, and in keyset column order after the sort value too.
    public func keyColumnStart(for table: TableInfo) -> Int {
        if case .column(let name, _) = order, table.seeksWhenSorted(by: name) { return table.columns.count + 1 }
        return table.columns.count
    }

    /// The statement for one page: every column as text cut to `StudioLimits.valueCharacters` plus one (for display; longer means cut) plus the key columns,
    /// values bound as parameters, identifiers quoted.
    /// With `cuttingValues` false (exports), values come whole.
    public func sql(for table: TableInfo, cuttingValues: Bool = true) -> PGQuery {
        let columns = table.columns.map {
            cuttingValues ? "left(\(PGQuery.quoteIdentifier($0.name))::text, \(StudioLimits.valueCharacters + 1))" : "\(PGQuery.quoteIdentifier($0.name))::text"
        }
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
            if table.seeksWhenSorted(by: name), let column = table.column(named: name) {
                let page = PGKeysetPage(
                    sortColumn: name, sortType: column.type, sortIsNullable: column.isNullable, key: table.primaryKey,
                    keyTypes: table.primaryKey.map { table.column(named: $0)?.type ?? "text" }, descending: descending,
                    cursor: afterValue.map { ($0.value, $0.key) }, limit: limit - 1)
                return page.query(selectList: columns.joined(separator: ", "), table: PGQuery.quoteIdentifier(table.name), filter: filter?.sql(for: table))
            }
            let direction = descending ? "DESC" : "ASC"
            query.sql += " ORDER BY \(PGQuery.quoteIdentifier(name)) \(direction), " + key.map { "\($0) \(direction)" }.joined(separator: ", ")
            if offset > 0 { query.sql += " OFFSET \(offset)" }
        }
        query.sql += " LIMIT \(limit)"
        return query
    }
}
