import Foundation
import PGKit

/// A change to apply to the state once work finishes.
typealias StudioChange = @Sendable (inout StudioState) -> Void

/// Performs the effects the state asks for (pages, counts, SQL, exports) against the database,
/// away from the key loop, and says how the state changes when each one finishes. Cancelling
/// the task running it cancels the statement on the server.
struct StudioWork: Sendable {
    let config: PGConfig
    let readOnly: Bool
    let connection: PGConnection
    let results: SQLResultSlot

    func perform(_ effect: StudioState.Effect, _ state: StudioState) async throws -> StudioChange {
        switch effect {
        case .quit: return { _ in }
        case .loadPage:
            guard let table = state.table else { return { _ in } }
            let page = try await loadPage(table, state.query)
            await results.replace(with: nil)
            return { $0.show(page) }
        case .refreshPage:
            guard let table = state.table, !state.page.isAdHoc else { return { _ in } }
            let query = state.query
            let page = try await loadPage(table, query)
            var count: Int?
            if table.rowCountIsExact {
                count = try await connection.query(
                    "SELECT count(*) FROM \(unescaped: PGQuery.quoteIdentifier(table.name))").scalar(Int.self) ?? 0
            }
            return { [count] in $0.applyRefresh(page, rowCount: count, of: table.name, loadedWith: query) }
        case .execute(let statement):
            let changed = try await connection.transaction { tx in try await tx.execute(statement.query) }
            var count: Int?
            if let table = state.table {
                count = try await connection.query(
                    "SELECT count(*) FROM \(unescaped: PGQuery.quoteIdentifier(table.name))").scalar(Int.self) ?? 0
            }
            var page: StudioState.Page?
            if let table = state.table { page = try await loadPage(table, state.query) }
            return { [count, page] state in
                state.message = "done: \(changed) row(s) changed"
                if let count, let index = state.tables.indices.first(where: { state.tables[$0].name == state.table?.name }) {
                    state.tables[index].rowCount = count
                }
                if let page { state.show(page) }
            }
        case .runSQL(let sql):
            let page = try await runSQL(sql)
            return { state in
                state.cursorRow = 0
                state.cursorColumn = 0
                state.show(page)
                state.focus = .grid
                if let tags = page.result?.commandTags, !tags.isEmpty { state.message = tags.joined(separator: " · ") }
            }
        case .fetchResult(let offset):
            guard let cursor = results.current, let info = state.page.result else {
                return { $0.message = "the result is closed; run the SQL again" }
            }
            let fetched = try await cursor.rows(at: offset, size: StudioLimits.sqlPageRows)
            var next = info
            next.offset = offset
            let page = Self.resultPage(fetched, columns: cursor.columns, info: next)
            return { $0.show(page) }
        case .export(let path):
            let written = try await export(state, to: path)
            return { $0.message = "exported \(written) rows to \(path)" }
        }
    }

    // MARK: Tables

    func loadPage(_ table: TableInfo, _ query: PageQuery) async throws -> StudioState.Page {
        let result = try await connection.query(query.sql(for: table))
        var page = StudioState.Page()
        page.columns = table.columns
        let keyCount = max(1, table.primaryKey.count)
        let keyStart = query.keyColumnStart(for: table)
        for row in result {
            var values: [String?] = []
            for index in 0..<table.columns.count {
                var value = try row.decode(String?.self, at: index)
                if let text = value, text.count > StudioLimits.valueCharacters {
                    value = String(text.prefix(StudioLimits.valueCharacters))
                    page.cutCells.insert(.init(row: page.rows.count, column: index))
                }
                values.append(value)
            }
            var key: [String] = []
            for index in 0..<keyCount { key.append(try row.decode(String?.self, at: keyStart + index) ?? "") }
            page.rows.append(values)
            page.keys.append(key)
            if keyStart > table.columns.count { page.sortValues.append(try row.decode(String?.self, at: table.columns.count)) }
        }
        return page
    }

    // MARK: SQL

    /// A single query is read through a cursor, one page at a time; anything else (or a query
    /// the cursor refuses: one that writes, `SELECT INTO`) runs once in a transaction, keeping
    /// its first page of rows and counting the rest.
    func runSQL(_ sql: String) async throws -> StudioState.Page {
        await results.replace(with: nil)
        if case .query(let body) = StudioSQL(sql) {
            do {
                let cursor = try await SQLResultCursor.open(body, config: config)
                do {
                    let first = try await cursor.rows(at: 0, size: StudioLimits.sqlPageRows)
                    await results.replace(with: cursor)
                    return Self.resultPage(first, columns: cursor.columns, info: SQLResultInfo(sql: body, isPageable: true))
                } catch {
                    await cursor.close()
                    throw error
                }
            } catch let error where Self.needsScript(error) {
                // Fall through: run it as typed.
            }
        }
        let outcomes = try await connection.transaction(PGTransactionOptions(readOnly: readOnly)) { tx in
            try await tx.textResults(sql, keepingRows: StudioLimits.sqlPageRows, cuttingValuesAt: StudioLimits.valueCharacters)
        }
        var info = SQLResultInfo(sql: sql, isPageable: false)
        info.commandTags = outcomes.map(\.commandTag)
        guard let shown = outcomes.last(where: { !$0.columns.isEmpty }) else {
            var page = StudioState.Page()
            page.isAdHoc = true
            page.columns = [TableInfo.Column(name: "command", type: "text", isNullable: false)]
            page.rows = info.commandTags.map { [$0] }
            info.rowsSeen = page.rows.count
            info.rowCountIsExact = true
            page.result = info
            return page
        }
        info.rowsSeen = shown.rowCount
        info.rowCountIsExact = true
        info.hasMore = shown.isPartial
        var page = StudioState.Page()
        page.isAdHoc = true
        page.columns = shown.columns.map { TableInfo.Column(name: $0, type: "text", isNullable: true) }
        page.rows = shown.rows
        page.cutCells = Set(shown.cutValues.map { .init(row: $0.row, column: $0.column) })
        page.result = info
        return page
    }

    /// Errors that mean the text is a query the cursor cannot hold, not a mistake in it.
    static func needsScript(_ error: any Error) -> Bool {
        if error is StudioSQLError { return true }
        guard let error = error as? PGError, let state = error.sqlState?.rawValue else { return false }
        // syntax (SELECT INTO), feature not supported (writes in WITH), read-only transaction
        return state == "42601" || state == "0A000" || state == "25006"
    }

    /// A fetched page (up to one row more than a page, which tells there are more).
    static func resultPage(_ fetched: PGTextResult, columns: [String], info: SQLResultInfo) -> StudioState.Page {
        var page = StudioState.Page()
        page.isAdHoc = true
        page.columns = columns.map { TableInfo.Column(name: $0, type: "text", isNullable: true) }
        var info = info
        info.hasMore = fetched.rows.count > StudioLimits.sqlPageRows
        for (rowIndex, row) in fetched.rows.prefix(StudioLimits.sqlPageRows).enumerated() {
            page.rows.append(row.enumerated().map { column, value in
                guard let value, value.count > StudioLimits.valueCharacters else { return value }
                page.cutCells.insert(.init(row: rowIndex, column: column))
                return String(value.prefix(StudioLimits.valueCharacters))
            })
        }
        info.rowsSeen = max(info.rowsSeen, info.offset + page.rows.count)
        info.rowCountIsExact = !info.hasMore
        page.result = info
        return page
    }

    // MARK: Export

    /// Writes every row of the current view (filter and sort kept) or of the SQL result (run
    /// again, values whole) as CSV, or JSON lines when the path ends in .jsonl or .json,
    /// a thousand rows at a time through a cursor, so any size fits.
    func export(_ state: StudioState, to path: String) async throws -> Int {
        if state.page.isAdHoc {
            guard state.page.result?.isPageable == true, let cursor = results.current else { throw StudioExportError.notAQuery }
            let file = try StudioExportFile(path: path, columns: cursor.columns)
            defer { file.close() }
            return try await cursor.export(to: file)
        }
        guard let table = state.table else { return 0 }
        var query = state.query
        query.afterKey = nil
        query.afterValue = nil
        query.offset = 0
        query.limit = Int.max
        var sql = query.sql(for: table, cuttingValues: false)
        sql.sql = sql.sql.replacingOccurrences(of: " LIMIT \(Int.max)", with: "")
        let file = try StudioExportFile(path: path, columns: table.columns.map(\.name))
        defer { file.close() }
        return try await connection.transaction(PGTransactionOptions(readOnly: true)) { tx in
            try await file.write(declaring: sql, on: tx)
        }
    }
}
