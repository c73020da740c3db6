import PGKit

/// Everything the studio shows, as a value: which table, which page, where the cursor is, what
/// prompt or confirmation is open. `handle(_:)` applies a key and says what I/O to do next;
/// rendering and the terminal live elsewhere, so this is tested without either.
public struct StudioState: Sendable {
    public enum Focus: Sendable, Equatable { case sidebar, grid }

    public enum PromptKind: Sendable, Equatable {
        case filter, sql, export, insert
        case edit(column: Int)
    }

    public enum Mode: Sendable, Equatable {
        case browse
        case detail(scroll: Int)
        case help
        case prompt(PromptKind, text: String)
        /// A statement waiting for `y`: shown in full before anything changes.
        case confirm(description: String, statement: PGQueryText)
    }

    /// What the app must do after a key.
    public enum Effect: Sendable, Equatable {
        case loadPage
        case execute(PGQueryText)
        case runSQL(String)
        /// Another page of the SQL result, starting at row `offset`.
        case fetchResult(offset: Int)
        case export(path: String)
        /// The open table changed on the server: load the page on screen again.
        case refreshPage
        case quit

        /// What the status line says while it runs.
        public func label(table: String?) -> String {
            switch self {
            case .loadPage: return "loading \(table ?? "the page")"
            case .execute: return "running the change"
            case .runSQL: return "running SQL"
            case .fetchResult: return "fetching rows"
            case .export(let path): return "exporting to \(path)"
            case .refreshPage: return "refreshing \(table ?? "the page")"
            case .quit: return "quitting"
            }
        }
    }

    /// A page of rows, every value as text (NULL as nil), with each row's key.
    public struct Page: Sendable, Equatable {
        public var columns: [TableInfo.Column] = []
        public var rows: [[String?]] = []
        public var keys: [[String]] = []
        /// Each row's sort value as text, when the page is sorted by a column with keyset pages.
        public var sortValues: [String?] = []
        /// Results of an ad-hoc SQL statement rather than of the selected table.
        public var isAdHoc = false
        /// For results of SQL: where this page is in the whole result.
        public var result: SQLResultInfo?
        /// Values cut to `StudioLimits.valueCharacters` (row and column in this page).
        public var cutCells: Set<Cell> = []

        /// A cell of the page.
        public struct Cell: Sendable, Hashable {
            /// The row's index in the page.
            public let row: Int
            /// The column's index.
            public let column: Int
            /// The cell at `row`, `column`.
            public init(row: Int, column: Int) {
                self.row = row
                self.column = column
            }
        }

        /// An empty page.
        public init() {}
    }

    struct Location: Sendable, Equatable {
        var table: Int
        var query: PageQuery
        var cursorRow: Int
    }

    public var tables: [TableInfo]
    public var selectedTable = 0
    public var focus: Focus = .sidebar
    public var page = Page()
    public var query = PageQuery()
    /// Keyset positions of earlier pages, for paging back.
    var earlierPages: [PageQuery] = []
    public var cursorRow = 0
    public var cursorColumn = 0
    public var firstVisibleColumn = 0
    public var detailScroll = 0
    public var mode: Mode = .browse
    var history: [Location] = []
    public var message: String?
    /// Work in progress, once it has run long enough to show.
    public var activity: StudioActivity?
    /// Whether work is running: the title and grid may describe what is on its way, the rows
    /// shown are still the ones before.
    public var isWaiting = false
    public let readOnly: Bool
    public var pageSize = StudioLimits.tablePageRows
    /// Whether the open table refreshes by itself, or why not.
    public var liveRefresh: LiveRefresh = .starting
    /// Changes to the open table were committed since its page was loaded.
    public internal(set) var hasUnseenChanges = false

    public init(tables: [TableInfo], readOnly: Bool) {
        self.tables = tables
        self.readOnly = readOnly
        query.limit = pageSize
    }

    public var table: TableInfo? { tables.indices.contains(selectedTable) ? tables[selectedTable] : nil }

    // MARK: Keys

    public mutating func handle(_ key: StudioKey) -> Effect? {
        message = nil
        switch mode {
        case .prompt(let kind, let text): return handlePrompt(kind, text, key)
        case .confirm(_, let statement):
            mode = .browse
            if key == .character("y") || key == .character("Y") { return .execute(statement) }
            message = "cancelled; nothing was changed"
            return nil
        case .help:
            mode = .browse
            return key == .character("q") ? .quit : nil
        case .detail(let scroll):
            switch key {
            case .character("j"), .down: mode = .detail(scroll: scroll + 1)
            case .character("k"), .up: mode = .detail(scroll: max(0, scroll - 1))
            case .character("q"), .escape, .enter, .backspace: mode = .browse
            default: break
            }
            return nil
        case .browse:
            return handleBrowse(key)
        }
    }

    private mutating func handleBrowse(_ key: StudioKey) -> Effect? {
        switch key {
        case .character("q"), .interrupt: return .quit
        case .character("?"): mode = .help
        case .tab: focus = focus == .sidebar ? .grid : .sidebar
        case .character("j"), .down: return move(down: 1)
        case .character("k"), .up: return move(down: -1)
        case .character("h"), .left: if focus == .grid { cursorColumn = max(0, cursorColumn - 1) }
        case .character("l"), .right:
            if focus == .sidebar { focus = .grid } else { cursorColumn = min(max(0, page.columns.count - 1), cursorColumn + 1) }
        case .character("g"), .home: if focus == .grid { cursorRow = 0 } else { return selectTable(0) }
        case .character("G"), .end:
            if focus == .grid { cursorRow = max(0, page.rows.count - 1) } else { return selectTable(tables.count - 1) }
        case .pageDown: return nextPage()
        case .pageUp: return previousPage()
        case .enter:
            if focus == .sidebar { focus = .grid } else if !page.rows.isEmpty { mode = .detail(scroll: 0) }
        case .character("/"): mode = .prompt(.filter, text: query.filter?.text ?? "")
        case .character("s"): return cycleSort()
        case .character(":"): mode = .prompt(.sql, text: "")
        case .character("x"): mode = .prompt(.export, text: "\(page.isAdHoc ? "result" : table?.name ?? "result").csv")
        case .character("f"): return followForeignKey()
        case .character("r"): return showReferencingRows()
        case .character("b"), .backspace: return goBack()
        case .character("e"): return startEdit()
        case .character("d"): return confirmDelete()
        case .character("i"): return startInsert()
        case .escape:
            if query.filter != nil { query.filter = nil; return reload() }
        default: break
        }
        return nil
    }

    // MARK: Moving

    private mutating func move(down delta: Int) -> Effect? {
        if focus == .sidebar { return selectTable(selectedTable + delta) }
        let target = cursorRow + delta
        if let result = page.result {
            if target >= page.rows.count, result.hasMore { return nextPage() }
            if target < 0, result.offset > 0 { return previousPage(cursorAtEnd: true) }
        } else {
            if target >= page.rows.count, page.rows.count == query.limit { return nextPage() }
            if target < 0, !earlierPages.isEmpty { return previousPage(cursorAtEnd: true) }
        }
        cursorRow = min(max(0, target), max(0, page.rows.count - 1))
        return nil
    }

    public mutating func selectTable(_ index: Int) -> Effect? {
        guard !tables.isEmpty else { return nil }
        let clamped = min(max(0, index), tables.count - 1)
        if clamped == selectedTable && !page.isAdHoc && !page.columns.isEmpty { return nil }
        selectedTable = clamped
        query = PageQuery()
        query.limit = pageSize
        return reload()
    }

    mutating func reload() -> Effect {
        earlierPages = []
        query.afterKey = nil
        query.afterValue = nil
        query.offset = 0
        cursorRow = 0
        cursorColumn = min(cursorColumn, max(0, (table?.columns.count ?? 1) - 1))
        firstVisibleColumn = 0
        return .loadPage
    }

    private mutating func nextPage() -> Effect? {
        if let result = page.result {
            guard result.hasMore else { return nil }
            guard result.isPageable else {
                message = "only the first \(page.rows.count) rows were kept: this SQL is not a single query, so it cannot page"
                return nil
            }
            cursorRow = 0
            return .fetchResult(offset: result.offset + page.rows.count)
        }
        guard !page.isAdHoc, page.rows.count == query.limit else { return nil }
        earlierPages.append(query)
        switch query.order {
        case .primaryKey: query.afterKey = page.keys.last
        case .column(let name, _):
            if let table, table.seeksWhenSorted(by: name), let key = page.keys.last {
                query.afterValue = PageQuery.ColumnCursor(value: page.sortValues.last ?? nil, key: key)
            } else {
                query.offset += query.limit
            }
        }
        cursorRow = 0
        return .loadPage
    }

    private mutating func previousPage(cursorAtEnd: Bool = false) -> Effect? {
        if let result = page.result {
            guard result.offset > 0 else { cursorRow = 0; return nil }
            cursorRow = cursorAtEnd ? StudioLimits.sqlPageRows - 1 : 0
            return .fetchResult(offset: max(0, result.offset - StudioLimits.sqlPageRows))
        }
        guard let previous = earlierPages.popLast() else { cursorRow = 0; return nil }
        query = previous
        cursorRow = cursorAtEnd ? query.limit - 1 : 0
        return .loadPage
    }

    /// Column ascending, then descending, then back to key order.
    private mutating func cycleSort() -> Effect? {
        guard let column = page.columns[safe: cursorColumn], !page.isAdHoc else { return nil }
        switch query.order {
        case .column(let name, false) where name == column.name: query.order = .column(column.name, descending: true)
        case .column(let name, true) where name == column.name: query.order = .primaryKey(descending: false)
        default: query.order = .column(column.name, descending: false)
        }
        if case .column(let name, _) = query.order, let table, !table.seeksWhenSorted(by: name) {
            let key = table.primaryKey.isEmpty ? "a primary key" : table.primaryKey.joined(separator: ", ")
            message = "sorted by \(name): no index on (\(name), \(key)), so each page reads every row before it"
        }
        return reload()
    }

    // MARK: Relations

    private mutating func followForeignKey() -> Effect? {
        guard let table, let column = page.columns[safe: cursorColumn], let row = page.rows[safe: cursorRow] else { return nil }
        guard let foreignKey = table.foreignKeys.first(where: { $0.columns == [column.name] }),
              let target = tables.firstIndex(where: { $0.name == foreignKey.referencedTable }) else {
            message = "\(column.name) is not a foreign key"
            return nil
        }
        guard let value = row[cursorColumn] else { message = "\(column.name) is NULL"; return nil }
        return jump(to: target, where: foreignKey.referencedColumns[0], equals: value)
    }

    private mutating func showReferencingRows() -> Effect? {
        guard let table, let row = page.rows[safe: cursorRow], !table.referencedBy.isEmpty else {
            message = "no table references \(self.table?.name ?? "this table")"
            return nil
        }
        // Repeated `r` goes through the referencing tables in turn.
        let previousTarget = history.last.map { tables[safe: $0.table]?.name } ?? nil
        let candidates = table.referencedBy
        let start = candidates.firstIndex { $0.table == previousTarget }.map { ($0 + 1) % candidates.count } ?? 0
        let foreignKey = candidates[start]
        guard let target = tables.firstIndex(where: { $0.name == foreignKey.table }),
              let keyIndex = page.columns.firstIndex(where: { $0.name == foreignKey.referencedColumns[0] }),
              let value = row[keyIndex] else { return nil }
        return jump(to: target, where: foreignKey.columns[0], equals: value)
    }

    private mutating func jump(to target: Int, where column: String, equals value: String) -> Effect? {
        history.append(Location(table: selectedTable, query: query, cursorRow: cursorRow))
        selectedTable = target
        query = PageQuery()
        query.limit = pageSize
        query.filter = try? StudioFilter("\(column) = '\(value)'", columns: tables[target].columns)
        focus = .grid
        return reload()
    }

    private mutating func goBack() -> Effect? {
        guard let location = history.popLast() else { return nil }
        selectedTable = location.table
        query = location.query
        earlierPages = []
        cursorRow = location.cursorRow
        return .loadPage
    }

    // MARK: Prompts and edits

    private mutating func handlePrompt(_ kind: PromptKind, _ text: String, _ key: StudioKey) -> Effect? {
        switch key {
        case .escape, .interrupt: mode = .browse
        case .backspace: mode = .prompt(kind, text: String(text.dropLast()))
        case .character(let character): mode = .prompt(kind, text: text + String(character))
        case .enter:
            mode = .browse
            return submit(kind, text)
        default: break
        }
        return nil
    }

    private mutating func submit(_ kind: PromptKind, _ text: String) -> Effect? {
        switch kind {
        case .filter:
            guard let table else { return nil }
            if text.trimmingCharacters(in: .whitespaces).isEmpty { query.filter = nil; return reload() }
            do {
                query.filter = try StudioFilter(text, columns: table.columns)
                return reload()
            } catch {
                message = "filter: \(error)"
                return nil
            }
        case .sql: return text.isEmpty ? nil : .runSQL(text)
        case .export: return text.isEmpty ? nil : .export(path: text)
        case .edit(let column): return confirmEdit(column: column, text: text)
        case .insert: return confirmInsert(text)
        }
    }

    private mutating func startEdit() -> Effect? {
        guard !readOnly else { message = "read-only: editing is off"; return nil }
        guard let row = page.rows[safe: cursorRow], !page.isAdHoc, table?.primaryKey.isEmpty == false else { return nil }
        if page.cutCells.contains(Page.Cell(row: cursorRow, column: cursorColumn)) {
            message = "this value is longer than the \(StudioLimits.valueCharacters) characters shown; change it with SQL (:)"
            return nil
        }
        mode = .prompt(.edit(column: cursorColumn), text: row[cursorColumn] ?? "NULL")
        return nil
    }

    private mutating func startInsert() -> Effect? {
        guard !readOnly else { message = "read-only: editing is off"; return nil }
        guard table?.isView == false, !page.isAdHoc else { return nil }
        mode = .prompt(.insert, text: "")
        return nil
    }

    /// `NULL` (unquoted) means SQL NULL; quote it ('NULL') to store the text.
    static func parameterValue(_ text: String) -> String? {
        if text == "NULL" { return nil }
        if text.count >= 2, text.first == "'", text.last == "'" { return String(text.dropFirst().dropLast()) }
        return text
    }

    private mutating func confirmEdit(column: Int, text: String) -> Effect? {
        guard let table, let key = page.keys[safe: cursorRow], let target = page.columns[safe: column] else { return nil }
        let statement = StudioStatements.update(table: table, column: target, value: Self.parameterValue(text), key: key)
        mode = .confirm(description: "Change \(target.name) of this \(table.name) row?", statement: statement)
        return nil
    }

    private mutating func confirmDelete() -> Effect? {
        guard !readOnly else { message = "read-only: editing is off"; return nil }
        guard let table, let key = page.keys[safe: cursorRow], !page.isAdHoc, !table.primaryKey.isEmpty else { return nil }
        mode = .confirm(description: "Delete this \(table.name) row?", statement: StudioStatements.delete(table: table, key: key))
        return nil
    }

    private mutating func confirmInsert(_ text: String) -> Effect? {
        guard let table else { return nil }
        var values: [(TableInfo.Column, String?)] = []
        for assignment in text.split(separator: ",") {
            let parts = assignment.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let column = table.column(named: parts[0]) else {
                message = "insert: write column = value, column = value"
                return nil
            }
            values.append((column, Self.parameterValue(parts[1])))
        }
        let statement = StudioStatements.insert(table: table, values: values)
        mode = .confirm(description: "Insert this \(table.name) row?", statement: statement)
        return nil
    }

    // MARK: Live refresh

    /// Committed changes arrived for `tables`: the open table's page is due a refresh if it is
    /// among them (and not while an SQL result is shown, which is not the table).
    public mutating func noteChanges(to tables: Set<String>) {
        guard let table, tables.contains(table.name), !page.isAdHoc else { return }
        hasUnseenChanges = true
    }

    /// Whether the user is typing or confirming something that a page changing under them
    /// would make wrong: an edit targets the row under the cursor when it is confirmed.
    public var isEditing: Bool {
        switch mode {
        case .prompt, .confirm: return true
        case .browse, .detail, .help: return false
        }
    }

    /// The refresh to run now, if the open table has unseen changes and nobody is editing.
    public mutating func refreshIfDue() -> Effect? {
        guard hasUnseenChanges, !isEditing, !page.isAdHoc, table != nil else { return nil }
        hasUnseenChanges = false
        return .refreshPage
    }

    /// Installs a refreshed page of `tableName` loaded with `loadedWith`, keeping the cursor on
    /// the same row (by key) when it is still on the page, else at the same place. Dropped when
    /// the view moved on meanwhile; kept for later when an edit began meanwhile.
    public mutating func applyRefresh(_ loaded: Page, rowCount: Int?, of tableName: String, loadedWith: PageQuery) {
        guard let table, table.name == tableName, query == loadedWith, !page.isAdHoc else { return }
        if let rowCount { tables[selectedTable].rowCount = rowCount }
        if isEditing {
            hasUnseenChanges = true
            return
        }
        let key = page.keys[safe: cursorRow]
        page = loaded
        if let key, let index = loaded.keys.firstIndex(of: key) {
            cursorRow = index
        } else {
            cursorRow = min(cursorRow, max(0, loaded.rows.count - 1))
        }
        cursorColumn = min(cursorColumn, max(0, loaded.columns.count - 1))
    }

    // MARK: Results

    /// Installs a loaded page.
    public mutating func show(_ loaded: Page) {
        page = loaded
        cursorRow = min(cursorRow, max(0, loaded.rows.count - 1))
        cursorColumn = min(cursorColumn, max(0, loaded.columns.count - 1))
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
