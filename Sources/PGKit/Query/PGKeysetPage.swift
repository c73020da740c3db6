/// The SQL of one keyset page, as a value: where the previous page ended (the sort value and
/// the key of its last row), and which rows come next, written so that an index on (sort,
/// key...) seeks straight there. `RecordStore` and `dbctl studio` page with it.
///
/// Conditions are row-value comparisons, `(sort, key) > ($1, $2)`, which PostgreSQL turns into
/// an index bound; the expanded form `sort > $1 OR (sort = $1 AND key > $2)` is not, and reads
/// every earlier row of the index. A nullable sort column is split in two seeking branches,
/// non-NULL values and NULLs (last ascending, first descending: PostgreSQL's order, which a
/// b-tree index serves both ways), joined with `UNION ALL`.
///
/// ```swift
/// let page = PGKeysetPage(sortColumn: "created_at", sortType: "timestamptz", sortIsNullable: false,
///                         key: ["id"], keyTypes: ["uuid"], descending: false,
///                         cursor: (value: lastCreatedAt, key: [lastID]), limit: 50)
/// let rows = try await conn.query(page.query(selectList: "id, content", table: "messages", filter: "session_id = \(sessionID)"))
/// ```
/// Each row ends with the sort value and the key columns as text, for the next cursor.
public struct PGKeysetPage: Sendable {
    public let sortColumn: String
    /// The SQL type to cast the cursor's sort value back to (`format_type`).
    public let sortType: String
    public let sortIsNullable: Bool
    public let key: [String]
    public let keyTypes: [String]
    public let descending: Bool
    /// The last row of the previous page: its sort value as text (nil for NULL) and its key.
    public let cursor: (value: String?, key: [String])?
    public let limit: Int

    public init(sortColumn: String, sortType: String, sortIsNullable: Bool, key: [String], keyTypes: [String],
                descending: Bool, cursor: (value: String?, key: [String])?, limit: Int) {
        self.sortColumn = sortColumn
        self.sortType = sortType
        self.sortIsNullable = sortIsNullable
        self.key = key
        self.keyTypes = keyTypes
        self.descending = descending
        self.cursor = cursor
        self.limit = limit
    }

    /// The page's rows (limit + 1, to know whether there is a next one), each followed by
    /// the sort value as text, the key columns as text, and a branch number.
    public func query(selectList: String, table: String, filter: PGQuery?) -> PGQuery {
        let sort = PGQuery.quoteIdentifier(sortColumn)
        let keyColumns = key.map(PGQuery.quoteIdentifier)
        let direction = descending ? "DESC" : "ASC"
        let comparison = descending ? "<" : ">"
        let keyText = keyColumns.enumerated().map { "\($0.element)::text AS pgkit_cursor_key_\($0.offset)" }.joined(separator: ", ")
        let keyList = keyColumns.joined(separator: ", ")
        var query = PGQuery("")
        func branch(_ condition: PGQuery, orderBy: String, part: Int) {
            var select = PGQuery(String("(SELECT \(selectList), \(sort)::text AS pgkit_cursor_value, \(keyText), \(part) AS pgkit_part FROM \(table) WHERE "))
            if let filter { select.append("(\(filter)) AND ") }
            select.append(condition)
            select.sql += " ORDER BY \(orderBy) LIMIT \(limit + 1))"
            if !query.sql.isEmpty { query.sql += " UNION ALL " }
            query.append(select)
        }
        func castKey(_ values: [String]) -> PGQuery {
            var list = PGQuery("")
            for (index, (value, type)) in zip(values, keyTypes).enumerated() {
                if index > 0 { list.sql += ", " }
                list.append("CAST(\(value) AS \(unescaped: type))")
            }
            return list
        }
        let valueOrder = ([sort] + keyColumns).map { "\($0) \(direction)" }.joined(separator: ", ")
        let nullOrder = keyColumns.map { "\($0) \(direction)" }.joined(separator: ", ")
        // Which branches remain, in order, and where each starts.
        var values: PGQuery? = "\(unescaped: sort) IS NOT NULL"
        var nulls: PGQuery? = sortIsNullable ? "\(unescaped: sort) IS NULL" : nil
        if let cursor {
            if let value = cursor.value {
                var condition: PGQuery = "(\(unescaped: sort), \(unescaped: keyList)) \(unescaped: comparison) (CAST(\(value) AS \(unescaped: sortType)), "
                condition.append(castKey(cursor.key))
                condition.sql += ")"
                values = condition
                if descending { nulls = nil }  // NULLs came first, before this value
            } else {
                var condition: PGQuery = "\(unescaped: sort) IS NULL AND (\(unescaped: keyList)) \(unescaped: comparison) ("
                condition.append(castKey(cursor.key))
                condition.sql += ")"
                nulls = condition
                if !descending { values = nil }  // values came first, before the NULLs
            }
        }
        let branches: [(PGQuery, String)] = descending
            ? [nulls.map { ($0, nullOrder) }, values.map { ($0, valueOrder) }].compactMap { $0 }
            : [values.map { ($0, valueOrder) }, nulls.map { ($0, nullOrder) }].compactMap { $0 }
        for (part, (condition, orderBy)) in branches.enumerated() { branch(condition, orderBy: orderBy, part: part) }
        if branches.count == 1 { return query }
        var outer = PGQuery("SELECT * FROM (")
        outer.append(query)
        outer.sql += ") AS pgkit_page ORDER BY pgkit_part, \(valueOrder) LIMIT \(limit + 1)"
        return outer
    }
}
