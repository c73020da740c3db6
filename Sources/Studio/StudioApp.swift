import Foundation
import PGKit

/// Runs the studio: draws the state, reads keys, and performs the effects the state asks for
/// (loading pages, running confirmed SQL in a transaction, exporting).
public struct StudioApp: Sendable {
    let config: PGConfig
    let readOnly: Bool

    public init(config: PGConfig, readOnly: Bool) {
        self.config = config
        self.readOnly = readOnly
    }

    public func run() async throws {
        let connection = try await PGConnection.connect(config)
        defer { Task { await connection.close() } }
        var state = StudioState(tables: try await StudioCatalog.tables(on: connection), readOnly: readOnly)
        let terminal = try RawTerminal()
        defer { terminal.restore() }
        if let effect = state.selectTable(0) { try await perform(effect, &state, connection) }
        state.focus = .sidebar
        var pending: [UInt8] = []
        var dirty = true
        while true {
            if dirty || terminal.takeResize() {
                let size = terminal.size
                terminal.draw(StudioRenderer(width: size.width, height: size.height, databaseName: config.database ?? "").render(state))
                dirty = false
            }
            guard let input = terminal.readBytes() else { return }  // the terminal went away
            pending += input
            while let (key, used) = StudioKey.decode(pending) {
                pending.removeFirst(used)
                dirty = true
                guard let effect = state.handle(key) else { continue }
                if effect == .quit { return }
                do {
                    try await perform(effect, &state, connection)
                } catch {
                    state.message = "\(error)".replacingOccurrences(of: "\n", with: " ")
                }
            }
        }
    }

    func perform(_ effect: StudioState.Effect, _ state: inout StudioState, _ connection: PGConnection) async throws {
        switch effect {
        case .quit: return
        case .loadPage:
            guard let table = state.table else { return }
            state.show(try await loadPage(table, state.query, connection))
        case .execute(let statement):
            let changed = try await connection.transaction { tx in try await tx.execute(statement.query) }
            state.message = "done: \(changed) row(s) changed"
            if let index = state.tables.indices.first(where: { state.tables[$0].name == state.table?.name }) {
                state.tables[index].rowCount = try await connection.query(
                    "SELECT count(*) FROM \(unescaped: PGQuery.quoteIdentifier(state.tables[index].name))").scalar(Int.self) ?? 0
            }
            if let table = state.table { state.show(try await loadPage(table, state.query, connection)) }
        case .runSQL(let sql):
            let options = PGTransactionOptions(readOnly: readOnly)
            let (columns, rows) = try await connection.transaction(options) { tx in try await tx.simpleQuery(sql) }
            var page = StudioState.Page()
            page.columns = columns.map { TableInfo.Column(name: $0, type: "text", isNullable: true) }
            page.rows = rows
            page.isAdHoc = true
            state.show(page)
            state.focus = .grid
        case .export(let path):
            guard let table = state.table else { return }
            let written = try await export(table, state.query, to: path, connection)
            state.message = "exported \(written) rows to \(path)"
        }
    }

    func loadPage(_ table: TableInfo, _ query: PageQuery, _ connection: PGConnection) async throws -> StudioState.Page {
        let result = try await connection.query(query.sql(for: table))
        var page = StudioState.Page()
        page.columns = table.columns
        let keyCount = max(1, table.primaryKey.count)
        let keyStart = query.keyColumnStart(for: table)
        for row in result {
            var values: [String?] = []
            for index in 0..<table.columns.count { values.append(try row.decode(String?.self, at: index)) }
            var key: [String] = []
            for index in 0..<keyCount { key.append(try row.decode(String?.self, at: keyStart + index) ?? "") }
            page.rows.append(values)
            page.keys.append(key)
            if keyStart > table.columns.count { page.sortValues.append(try row.decode(String?.self, at: table.columns.count)) }
        }
        return page
    }

    /// Writes every row of the current view (filter and sort kept) as CSV, or JSON lines when
    /// the path ends in .jsonl or .json, streaming so any table size fits.
    func export(_ table: TableInfo, _ view: PageQuery, to path: String, _ connection: PGConnection) async throws -> Int {
        var query = view
        query.afterKey = nil
        query.afterValue = nil
        query.offset = 0
        query.limit = Int.max
        let statement = query.sql(for: table)
        var sql = statement
        sql.sql = sql.sql.replacingOccurrences(of: " LIMIT \(Int.max)", with: "")
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw StudioExportError.cannotWrite(path)
        }
        defer { try? handle.close() }
        let jsonLines = path.hasSuffix(".jsonl") || path.hasSuffix(".json")
        if !jsonLines { handle.write(Data((table.columns.map { csvField($0.name) }.joined(separator: ",") + "\n").utf8)) }
        var count = 0
        for try await row in connection.stream(sql) {
            var values: [String?] = []
            for index in 0..<table.columns.count { values.append(try row.decode(String?.self, at: index)) }
            let line: String
            if jsonLines {
                var object: [String: Any] = [:]
                for (column, value) in zip(table.columns, values) { object[column.name] = value ?? NSNull() }
                line = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            } else {
                line = values.map { $0.map(csvField) ?? "" }.joined(separator: ",")
            }
            handle.write(Data((line + "\n").utf8))
            count += 1
        }
        return count
    }

    func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

enum StudioExportError: Error, CustomStringConvertible {
    case cannotWrite(String)
    var description: String {
        switch self { case .cannotWrite(let path): return "cannot write \(path)" }
    }
}
