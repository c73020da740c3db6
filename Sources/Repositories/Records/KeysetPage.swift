import PGKit

/// The SQL of one keyset page, as a value: where the previous page ended (the sort value and
/// the key of its last row), and which rows come next, written so that an index on (sort,
/// key) seeks straight there.
///
/// Conditions are row-value comparisons, `(sort, key) > ($1, $2)`, which PostgreSQL turns into
/// an index bound; the expanded form `sort > $1 OR (sort = $1 AND key > $2)` is not, and reads
/// every earlier row of the index. A nullable sort column is split in two seeking branches,
/// non-NULL values and NULLs (last ascending, first descending), joined with `UNION ALL`.
struct KeysetPage: Sendable {
    let sortColumn: String
    let sortType: String
    let sortIsNullable: Bool
    let key: String
    let keyType: String
    let descending: Bool
    /// The last row of the previous page: its sort value as text (nil for NULL) and its key.
    let cursor: (value: String?, key: String)?
    let limit: Int

    /// The query: the page's rows (limit + 1, to know whether there is a next page), each with
    /// its sort value and key as text for the next cursor.
    func query(selectList: String, table: String, filter: PGQuery?) -> PGQuery {
        let sort = PGQuery.quoteIdentifier(sortColumn)
        let keyColumn = PGQuery.quoteIdentifier(key)
        let direction = descending ? "DESC" : "ASC"
        let comparison = descending ? "<" : ">"
        var query = PGQuery("")
        func branch(_ condition: PGQuery, orderBy: String, part: Int) {
            var select = PGQuery(String("(SELECT \(selectList), \(sort)::text AS pgkit_cursor_value, \(keyColumn)::text AS pgkit_cursor_key, \(part) AS pgkit_part FROM \(table) WHERE "))
            if let filter { select.append("(\(filter)) AND ") }
            select.append(condition)
            select.sql += " ORDER BY \(orderBy) LIMIT \(limit + 1))"
            if !query.sql.isEmpty { query.sql += " UNION ALL " }
            query.append(select)
        }
        let valueOrder = "\(sort) \(direction), \(keyColumn) \(direction)"
        let nullOrder = "\(keyColumn) \(direction)"
        let afterKey: PGQuery? = cursor.map { "\(unescaped: keyColumn) \(unescaped: comparison) CAST(\($0.key) AS \(unescaped: keyType))" }
        // Which branches remain, in order, and where each starts.
        var values: PGQuery? = "\(unescaped: sort) IS NOT NULL"
        var nulls: PGQuery? = sortIsNullable ? "\(unescaped: sort) IS NULL" : nil
        if let cursor {
            if let value = cursor.value {
                values = "(\(unescaped: sort), \(unescaped: keyColumn)) \(unescaped: comparison) (CAST(\(value) AS \(unescaped: sortType)), CAST(\(cursor.key) AS \(unescaped: keyType)))"
                if descending { nulls = nil }  // NULLs came first, before this value
            } else {
                nulls = "\(unescaped: sort) IS NULL AND \(afterKey!)"
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
