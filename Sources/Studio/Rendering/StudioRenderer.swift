import Foundation
import PGKit

/// Draws a `StudioState` into screen lines of exactly `width` columns (ANSI attributes for the
/// selection, header and bars). Pure: the same state and size always give the same lines.
public struct StudioRenderer: Sendable {
    public let width: Int
    public let height: Int
    public let databaseName: String
    /// The role the studio's connection runs as, shown on the status line.
    public let role: String
    static let sidebarWidth = 28
    static let maxColumnWidth = 40

    public init(width: Int, height: Int, databaseName: String, role: String = "") {
        self.width = max(width, 40)
        self.height = max(height, 8)
        self.databaseName = databaseName
        self.role = role
    }

    static let inverse = "\u{1B}[7m", bold = "\u{1B}[1m", dim = "\u{1B}[2m", reset = "\u{1B}[0m"

    public func render(_ state: StudioState) -> [String] {
        var lines = [bar(title(state))]
        let bodyHeight = height - 2
        switch state.mode {
        case .help: lines += help(state, bodyHeight)
        case .detail(let scroll): lines += detail(state, scroll: scroll, height: bodyHeight)
        default: lines += body(state, height: bodyHeight)
        }
        lines.append(statusLine(state))
        return lines
    }

    private func bar(_ text: String) -> String { Self.inverse + CellText.fit(text, width) + Self.reset }

    private func title(_ state: StudioState) -> String {
        titleText(state) + (state.isWaiting ? " · loading…" : "")
    }

    private func titleText(_ state: StudioState) -> String {
        var text = " PGKit Studio · \(databaseName)"
        if state.page.isAdHoc { return text + " · " + Self.resultTitle(state.page) }
        if let table = state.table {
            text += " · \(table.name) (\(table.rowCountIsExact ? "" : "~")\(table.rowCount) rows)"
            if let filter = state.query.filter { text += " · filter: \(filter.text)" }
            if case .column(let name, let descending) = state.query.order { text += " · sort: \(name) \(descending ? "desc" : "asc")" }
            text += " · page \(state.earlierPages.count + 1)"
        }
        if state.readOnly { text += " · read-only" }
        return text
    }

    /// "SQL result: rows 1001–2000 of 2000+ (more rows: PgDn)", or the count when all are known.
    static func resultTitle(_ page: StudioState.Page) -> String {
        guard let result = page.result else { return "SQL result (\(page.rows.count) rows)" }
        let count = page.rows.count
        if !result.hasMore && result.offset == 0 { return "SQL result (\(count) rows)" }
        let range = count == 0 ? "no rows" : "rows \(result.offset + 1)–\(result.offset + count)"
        let total = result.rowCountIsExact ? "\(result.rowsSeen)" : "\(result.rowsSeen)+"
        var text = "SQL result: \(range) of \(total)"
        if result.hasMore { text += result.isPageable ? " (more rows: PgDn)" : " (only these are kept)" }
        return text
    }

    private func body(_ state: StudioState, height: Int) -> [String] {
        let sidebar = sidebarLines(state, height: height)
        let grid = gridLines(state, width: width - Self.sidebarWidth - 1, height: height)
        return (0..<height).map { sidebar[$0] + "│" + grid[$0] }
    }

    private func sidebarLines(_ state: StudioState, height: Int) -> [String] {
        let first = max(0, state.selectedTable - height + 1)
        return (0..<height).map { offset in
            let index = first + offset
            guard let table = state.tables[safe: index] else { return String(repeating: " ", count: Self.sidebarWidth) }
            let count = (table.rowCountIsExact ? "" : "~") + String(table.rowCount)
            let name = CellText.fit((table.isView ? "◇ " : " ") + table.name, Self.sidebarWidth - count.count - 1)
            let line = name + count + " "
            if index == state.selectedTable {
                return (state.focus == .sidebar ? Self.inverse : Self.bold) + line + Self.reset
            }
            return line
        }
    }

    /// Column widths fitted to header and content, within limits.
    func columnWidths(_ page: StudioState.Page) -> [Int] {
        page.columns.enumerated().map { index, column in
            var widest = CellText.width(column.name)
            for row in page.rows.prefix(200) {
                widest = max(widest, CellText.width(CellText.display(row[index], type: column.type)))
            }
            return min(max(widest, 4), Self.maxColumnWidth)
        }
    }

    private func gridLines(_ state: StudioState, width: Int, height: Int) -> [String] {
        let page = state.page
        guard !page.columns.isEmpty else {
            return [CellText.fit(" Select a table (Tab, Enter). ? lists every key.", width)] + Array(repeating: String(repeating: " ", count: width), count: height - 1)
        }
        let widths = columnWidths(page)
        // Scroll horizontally so the cursor column is visible.
        var first = min(state.firstVisibleColumn, state.cursorColumn)
        while first < state.cursorColumn, widths[first...state.cursorColumn].reduce(0, { $0 + $1 + 1 }) > width { first += 1 }
        var visible: [Int] = []
        var used = 0
        for index in first..<page.columns.count where used + widths[index] + 1 <= width || visible.isEmpty {
            visible.append(index)
            used += widths[index] + 1
        }
        func line(_ cells: [(Int, String)], highlight: Int?) -> String {
            var text = ""
            for (index, value) in cells {
                let cell = CellText.fit(value, min(widths[index], width)) + " "
                text += index == highlight ? Self.inverse + cell + Self.reset : cell
            }
            return text + String(repeating: " ", count: max(0, width - used))
        }
        var lines = [Self.bold + line(visible.map { ($0, page.columns[$0].name) }, highlight: nil) + Self.reset]
        lines.append(Self.dim + String(repeating: "─", count: width) + Self.reset)
        let rowsHeight = height - 2
        let firstRow = max(0, state.cursorRow - rowsHeight + 1)
        for offset in 0..<rowsHeight {
            let rowIndex = firstRow + offset
            guard let row = page.rows[safe: rowIndex] else {
                lines.append(String(repeating: " ", count: width))
                continue
            }
            let cells = visible.map { ($0, CellText.display(row[$0], type: page.columns[$0].type)) }
            let isCursor = rowIndex == state.cursorRow && state.focus == .grid
            lines.append(line(cells, highlight: isCursor ? state.cursorColumn : nil))
        }
        return lines
    }

    /// Every column of the cursor's row, full values wrapped to the width (JSON pretty-printed,
    /// arrays of typed parts part by part),
    /// each line escaped and fitted; only the renderer's own attributes are escape sequences.
    private func detail(_ state: StudioState, scroll: Int, height: Int) -> [String] {
        var content: [String] = []
        if let row = state.page.rows[safe: state.cursorRow] {
            for (index, column) in state.page.columns.enumerated() {
                let nameWidth = min(CellText.width(column.name), width)
                content.append(Self.bold + CellText.fit(column.name, nameWidth) + Self.reset
                    + Self.dim + CellText.fit("  \(column.type)", width - nameWidth) + Self.reset)
                let value = row[index]
                var text = value ?? CellText.null
                let isCut = state.page.cutCells.contains(.init(row: state.cursorRow, column: index))
                if let value, column.type.hasPrefix("json"), let parts = TypedPartsText.lines(value) {
                    text = parts.joined(separator: "\n")   // messages.parts and the like: part by part
                } else if let value, column.type.hasPrefix("json"), let data = value.data(using: .utf8),
                   let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
                   let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]) {
                    text = String(decoding: pretty, as: UTF8.self)
                }
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    for piece in Self.wrap(TerminalSafeText.escaping(String(line)), width - 4) {
                        content.append(CellText.fit("  " + piece, width))
                    }
                }
                if isCut {
                    content.append(Self.dim + CellText.fit("  … cut at \(StudioLimits.valueCharacters) characters (x exports it whole)", width) + Self.reset)
                }
            }
        }
        let start = min(scroll, max(0, content.count - height))
        return (0..<height).map { content[safe: start + $0] ?? String(repeating: " ", count: width) }
    }

    /// `text` (already escaped) in pieces of at most `columns` terminal columns.
    static func wrap(_ text: String, _ columns: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        var used = 0
        for character in text {
            let characterWidth = CellText.width(String(character))
            if used + characterWidth > max(columns, 1), !current.isEmpty {
                pieces.append(current)
                current = ""
                used = 0
            }
            current.append(character)
            used += characterWidth
        }
        return pieces + [current]
    }

    static let keys: [(String, String)] = [
        ("↑ ↓ j k", "move between rows (or tables in the sidebar)"), ("← → h l", "move between columns"),
        ("g G", "first / last row"), ("PgUp PgDn", "previous / next page (of a table or a SQL result)"), ("Tab", "switch between sidebar and grid"),
        ("Enter", "row detail (every column, full values); Esc or q closes it"), ("/", "filter: role = user and content ~ hello"),
        ("Esc", "clear the filter"), ("s", "sort by the current column: ascending, descending, off"),
        ("f", "follow the foreign key in the current cell"), ("r", "rows that reference this row (repeat for the next table)"),
        ("b Backspace", "go back"), ("e", "edit the current cell (NULL for null, 'NULL' for the text)"),
        ("i", "insert a row: column = value, column = value"), ("d", "delete the current row"),
        (":", "run SQL; results show in the grid, \(StudioLimits.sqlPageRows) rows a page"),
        ("x", "export the current view or SQL result (every row) to .csv or .jsonl"),
        ("Esc Ctrl-C", "while something runs: cancel it on the server"),
        ("?", "this help"), ("q Ctrl-C", "quit"),
    ]

    private func help(_ state: StudioState, _ height: Int) -> [String] {
        var lines = [CellText.fit(" Keys (any key closes this help)", width)]
        lines += Self.keys.map { CellText.fit("  " + $0.0.padding(toLength: 14, withPad: " ", startingAt: 0) + $0.1, width) }
        lines += ["", CellText.fit("  Edits run in a transaction after you confirm the SQL shown; --read-only turns them off.", width)].map { CellText.fit($0, width) }
        lines.append(CellText.fit("  Changes committed to the open table show by themselves (not while you edit): "
            + state.liveRefresh.label(for: state.table?.name) + ".", width))
        return (0..<height).map { lines[safe: $0] ?? String(repeating: " ", count: width) }
    }

    /// Where an edit goes: "chat · role app · read-write".
    func session(_ state: StudioState) -> String {
        var parts = [databaseName]
        if !role.isEmpty { parts.append("role \(role)") }
        parts.append(state.readOnly ? "read-only" : "read-write")
        switch state.liveRefresh {
        case .starting: parts.append("live…")
        case .on: parts.append(state.page.isAdHoc || state.table.map { state.liveRefresh.covers($0.name) } != false ? "live" : "not live")
        case .off: parts.append("not live")
        }
        return parts.joined(separator: " · ") + " "
    }

    /// Why the open table does not refresh by itself, when it does not.
    func liveWarning(_ state: StudioState) -> String? {
        if case .on = state.liveRefresh, state.page.isAdHoc || state.table.map({ state.liveRefresh.covers($0.name) }) != false { return nil }
        if case .starting = state.liveRefresh { return nil }
        return state.liveRefresh.label(for: state.table?.name) + " · ? help"
    }

    /// `left` fitted to the width with `right` at the end, when both fit; `left` wins otherwise.
    static func withSession(_ left: String, _ right: String, width: Int) -> String {
        let rightWidth = CellText.width(right)
        guard width - rightWidth >= 20 else { return left }
        return CellText.fit(left, width - rightWidth - 2) + "  " + right
    }

    private func statusLine(_ state: StudioState) -> String {
        switch state.mode {
        case .prompt(let kind, let text):
            let label: String
            switch kind {
            case .filter: label = "filter"
            case .sql: label = "SQL"
            case .export: label = "export to"
            case .insert: label = "insert (column = value, ...)"
            case .edit(let column): label = "new value for \(state.page.columns[safe: column]?.name ?? "")"
            }
            return bar(" \(label): \(text)▏")
        case .confirm(let description, let statement):
            return bar(" \(description) \(statement.display.replacingOccurrences(of: "\n", with: " ")) — y to run, any other key cancels")
        default:
            let left: String
            if let activity = state.activity {
                left = activity.isCancelling
                    ? " cancelling \(activity.label)… \(activity.elapsedText)"
                    : " \(activity.label)… \(activity.elapsedText) · Esc cancels"
            } else {
                left = " " + (state.message ?? liveWarning(state) ?? "? help  / filter  s sort  Enter detail  f follow  r referenced by  e edit  : SQL  x export  q quit")
            }
            return bar(Self.withSession(left, session(state), width: width))
        }
    }
}
