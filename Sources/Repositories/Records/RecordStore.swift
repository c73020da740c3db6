import PGKit

/// The operations every table shares (seed 000's BaseRepository): insert, find, update,
/// delete, count, and filtered, sorted keyset pagination. Each repository holds one and adds
/// only its own queries.
public struct RecordStore<Record: TableRecord>: Sendable {
    let executor: any PGQueryable

    public init(executor: any PGQueryable) { self.executor = executor }

    private var table: String { PGQuery.quoteIdentifier(Record.tableName) }

    /// What a read with `filter` reads, for live queries.
    private func read(_ filter: RecordFilter?) -> [PGTableRead] {
        [.rows(of: Record.tableName, where: filter?.rowConditions ?? [])]
    }

    /// Inserts a row and returns it as stored (defaults and triggers applied).
    public func insert(_ values: Record.Insert) async throws -> Record {
        let assignments = values.assignments
        var query = PGQuery(String("INSERT INTO \(table) "))
        if assignments.isEmpty {
            query.sql += "DEFAULT VALUES"
        } else {
            query.sql += "(" + assignments.map { PGQuery.quoteIdentifier($0.column) }.joined(separator: ", ") + ") VALUES ("
            for (index, assignment) in assignments.enumerated() {
                if index > 0 { query.sql += ", " }
                query.parameters.append(assignment.value)
                query.sql += "$\(query.parameters.count)"
            }
            query.sql += ")"
        }
        query.sql += " RETURNING \(Record.selectList)"
        return try Record(row: try await executor.query(query).first!)
    }

    public func find(_ id: Record.ID) async throws -> Record? {
        let rows = try await LiveReads.declaring(read(.equals(Record.primaryKey, id))) {
            try await executor.query("SELECT \(unescaped: Record.selectList) FROM \(unescaped: table) WHERE \(identifier: Record.primaryKey) = \(id)")
        }
        return try rows.first.map(Record.init(row:))
    }

    /// Applies `changes` and returns the updated row; `notFound` when there is none.
    public func update(_ id: Record.ID, _ changes: Record.Update) async throws -> Record {
        let assignments = changes.assignments
        guard !assignments.isEmpty else {
            guard let record = try await find(id) else { throw RepositoryError.notFound(table: Record.tableName, id: "\(id)") }
            return record
        }
        var query = PGQuery(String("UPDATE \(table) SET "))
        for (index, assignment) in assignments.enumerated() {
            if index > 0 { query.sql += ", " }
            query.parameters.append(assignment.value)
            query.sql += "\(PGQuery.quoteIdentifier(assignment.column)) = $\(query.parameters.count)"
        }
        query.parameters.append(id)
        query.sql += " WHERE \(PGQuery.quoteIdentifier(Record.primaryKey)) = $\(query.parameters.count) RETURNING \(Record.selectList)"
        guard let row = try await executor.query(query).first else {
            throw RepositoryError.notFound(table: Record.tableName, id: "\(id)")
        }
        return try Record(row: row)
    }

    /// Deletes a row; `notFound` when there is none.
    public func delete(_ id: Record.ID) async throws {
        let deleted = try await executor.execute("DELETE FROM \(unescaped: table) WHERE \(identifier: Record.primaryKey) = \(id)")
        if deleted == 0 { throw RepositoryError.notFound(table: Record.tableName, id: "\(id)") }
    }

    public func count(where filter: RecordFilter? = nil) async throws -> Int {
        var query = PGQuery(String("SELECT count(*) FROM \(table)"))
        if let filter {
            try validate(filter.columns)
            query.append(" WHERE \(filter.fragment)")
        }
        return try await LiveReads.declaring(read(filter)) { try await executor.query(query).scalar(Int.self) ?? 0 }
    }

    /// A page of rows matching `filter`, ordered by `order` then the primary key, with keyset
    /// pagination: each page seeks in an index on (the filter's equality columns, the sort
    /// column, the primary key) to where the previous one ended, so the page at depth 290,000
    /// costs what the first does. NULLs in the sort column come last ascending and first
    /// descending (PostgreSQL's order), each page still seeking.
    ///
    /// Without such an index every page reads and sorts all matching rows (cost grows with
    /// the table); the first call for an order no index serves logs a warning naming the index
    /// to create (see `IndexCoverage`).
    public func list(where filter: RecordFilter? = nil, orderBy order: RecordOrder, page: PageRequest = PageRequest()) async throws -> Page<Record> {
        try validate([order.column] + (filter?.columns ?? []))
        // The catalog is not data a live query depends on.
        try await LiveReads.declaring([]) {
            await IndexCoverage.shared.check(table: Record.tableName, equalityColumns: filter?.equalityColumns ?? [],
                                             sortColumn: order.column, primaryKey: Record.primaryKey, executor: executor)
        }
        var cursor: PageCursor?
        if let after = page.after {
            cursor = try PageCursor.decode(after)
            guard cursor!.column == order.column, cursor!.descending == order.descending else { throw RepositoryError.invalidCursor }
        }
        let plan = PGKeysetPage(sortColumn: order.column, sortType: Record.columnType(order.column),
                                sortIsNullable: order.column != Record.primaryKey && Record.nullableColumns.contains(order.column),
                                key: [Record.primaryKey], keyTypes: [Record.columnType(Record.primaryKey)],
                                descending: order.descending, cursor: cursor.map { ($0.value, [$0.key]) }, limit: page.limit)
        let query = plan.query(selectList: Record.selectList, table: table, filter: filter?.fragment)
        let rows: PGQueryResult
        do {
            rows = try await LiveReads.declaring(read(filter)) { try await executor.query(query) }
        } catch let error as PGError where page.after != nil && error.sqlState?.errorClass == "22" {
            throw RepositoryError.invalidCursor
        }
        let items = try rows.prefix(page.limit).map(Record.init(row:))
        var next: String?
        if rows.count > page.limit {
            let last = rows[page.limit - 1]
            let width = Record.columnNames.count
            next = PageCursor(column: order.column, descending: order.descending,
                              value: try last.decode(String?.self, at: width), key: try last.decode(String.self, at: width + 1)).encoded()
        }
        return Page(items: items, nextCursor: next)
    }

    private func validate(_ columns: [String]) throws {
        for column in columns where !Record.columnNames.contains(column) {
            throw RepositoryError.unknownColumn(table: Record.tableName, column: column)
        }
    }
}
