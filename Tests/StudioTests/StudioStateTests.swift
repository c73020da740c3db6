import PGKit
@testable import Studio
import Testing

@Suite struct StudioStateTests {
    static let users = TableInfo(
        name: "users", isView: false,
        columns: [.init(name: "id", type: "uuid", isNullable: false), .init(name: "email", type: "citext", isNullable: false),
                  .init(name: "name", type: "text", isNullable: true)],
        primaryKey: ["id"], rowCount: 3, rowCountIsExact: true, foreignKeys: [],
        referencedBy: [.init(table: "sessions", columns: ["user_id"], referencedTable: "users", referencedColumns: ["id"])])
    static let sessions = TableInfo(
        name: "sessions", isView: false,
        columns: [.init(name: "id", type: "uuid", isNullable: false), .init(name: "user_id", type: "uuid", isNullable: true),
                  .init(name: "created_at", type: "timestamp with time zone", isNullable: false)],
        primaryKey: ["id"], rowCount: 250, rowCountIsExact: true,
        foreignKeys: [.init(table: "sessions", columns: ["user_id"], referencedTable: "users", referencedColumns: ["id"])],
        referencedBy: [])

    func state(readOnly: Bool = false) -> StudioState {
        var state = StudioState(tables: [Self.sessions, Self.users], readOnly: readOnly)
        _ = state.selectTable(0)
        state.pageSize = 2
        state.query.limit = 2
        var page = StudioState.Page()
        page.columns = Self.sessions.columns
        page.rows = [["s1", "u1", "2025-01-01 00:00:00+00"], ["s2", nil, "2025-01-02 00:00:00+00"]]
        page.keys = [["s1"], ["s2"]]
        state.show(page)
        state.focus = .grid
        return state
    }

    @Test func pagingUsesTheLastKeyAndComesBack() {
        var state = state()
        #expect(state.handle(.pageDown) == .loadPage)
        #expect(state.query.afterKey == ["s2"])
        let sql = state.query.sql(for: Self.sessions)
        #expect(sql.sql.contains(#"("id") > (CAST($1 AS uuid))"#))
        #expect(sql.sql.hasSuffix(#"ORDER BY "id" ASC LIMIT 2"#))
        #expect(state.handle(.pageUp) == .loadPage)
        #expect(state.query.afterKey == nil)
    }

    @Test func sortCyclesAscendingDescendingOff() {
        var state = state()
        state.cursorColumn = 2
        #expect(state.handle(.character("s")) == .loadPage)
        #expect(state.query.order == .column("created_at", descending: false))
        _ = state.handle(.character("s"))
        #expect(state.query.order == .column("created_at", descending: true))
        #expect(state.query.sql(for: Self.sessions).sql.contains(#"ORDER BY "created_at" DESC, "id" DESC"#))
        #expect(state.message?.contains("no index on (created_at, id)") == true, "the status line says the view pages by offset")
        _ = state.handle(.character("s"))
        #expect(state.query.order == .primaryKey(descending: false))
    }

    @Test func aSortAnIndexServesPagesByKeysetOnTheColumnAndTheKey() {
        var indexed = Self.sessions
        indexed.indexes = [PGIndexCoverage.Index(columns: ["created_at", "id"], descending: [false, false], unique: false)]
        var state = StudioState(tables: [indexed], readOnly: false)
        _ = state.selectTable(0)
        state.query.limit = 2
        state.cursorColumn = 2
        var page = StudioState.Page()
        page.columns = indexed.columns
        page.rows = [["s1", "u1", "2025-01-01 00:00:00+00"], ["s2", nil, "2025-01-02 00:00:00+00"]]
        page.keys = [["s1"], ["s2"]]
        page.sortValues = ["2025-01-01 00:00:00+00", "2025-01-02 00:00:00+00"]
        state.show(page)
        state.focus = .grid
        _ = state.handle(.character("s"))
        state.show(page)
        #expect(state.message == nil)
        #expect(state.handle(.pageDown) == .loadPage)
        #expect(state.query.afterValue == PageQuery.ColumnCursor(value: "2025-01-02 00:00:00+00", key: ["s2"]))
        #expect(state.query.offset == 0)
        let sql = state.query.sql(for: indexed).sql
        #expect(sql.contains(#"("created_at", "id") > (CAST($1 AS timestamp with time zone), CAST($2 AS uuid))"#), "\(sql)")
        #expect(!sql.contains("OFFSET"))
    }

    @Test func filtersBindValuesCastToTheColumnType() throws {
        let filter = try StudioFilter("user_id = 'u1' and created_at > 2025-01-01 and id ~ 50%_ and user_id is not null", columns: Self.sessions.columns)
        let sql = filter.sql(for: Self.sessions)
        #expect(sql.sql == #""user_id" = CAST($1 AS uuid) AND "created_at" > CAST($2 AS timestamp with time zone) AND "id"::text ILIKE $3 AND "user_id" IS NOT NULL"#)
        #expect(sql.parameters.compactMap { $0 as? String } == ["u1", "2025-01-01", "%50\\%\\_%"])
        #expect(throws: StudioFilter.ParseError.unknownColumn("nope")) { try StudioFilter("nope = 1", columns: Self.sessions.columns) }
        #expect(throws: StudioFilter.ParseError.self) { try StudioFilter("just words", columns: Self.sessions.columns) }
        // Hostile text stays a value.
        let hostile = try StudioFilter("user_id = x'); DROP TABLE users; --", columns: Self.sessions.columns)
        #expect(hostile.sql(for: Self.sessions).sql == #""user_id" = CAST($1 AS uuid)"#)
    }

    @Test func followingAForeignKeyAndGoingBack() {
        var state = state()
        state.cursorColumn = 1
        #expect(state.handle(.character("f")) == .loadPage)
        #expect(state.table?.name == "users")
        #expect(state.query.filter?.conditions == [.init(column: "id", operation: "=", value: "u1")])
        #expect(state.handle(.character("b")) == .loadPage)
        #expect(state.table?.name == "sessions")
        #expect(state.query.filter == nil)
        // A NULL foreign key goes nowhere, and says so.
        state.cursorRow = 1
        #expect(state.handle(.character("f")) == nil)
        #expect(state.message == "user_id is NULL")
    }

    @Test func referencingRowsFromAUser() {
        var state = StudioState(tables: [Self.sessions, Self.users], readOnly: false)
        _ = state.selectTable(1)
        var page = StudioState.Page()
        page.columns = Self.users.columns
        page.rows = [["u1", "a@x", nil]]
        page.keys = [["u1"]]
        state.show(page)
        state.focus = .grid
        #expect(state.handle(.character("r")) == .loadPage)
        #expect(state.table?.name == "sessions")
        #expect(state.query.filter?.conditions.first?.column == "user_id")
    }

    @Test func editsShowTheirSQLAndWaitForConfirmation() {
        var state = state()
        state.cursorColumn = 1
        _ = state.handle(.character("e"))
        #expect(state.mode == .prompt(.edit(column: 1), text: "u1"))
        for _ in 0..<2 { _ = state.handle(.backspace) }
        for character in "NULL" { _ = state.handle(.character(character)) }
        _ = state.handle(.enter)
        guard case .confirm(_, let statement) = state.mode else {
            Issue.record("an edit must ask for confirmation")
            return
        }
        #expect(statement.sql == #"UPDATE "sessions" SET "user_id" = CAST($1 AS uuid) WHERE "id" = CAST($2 AS uuid)"#)
        #expect(statement.parameters == [nil, "s1"])
        #expect(state.handle(.character("y")) == .execute(statement))

        _ = state.handle(.character("d"))
        #expect(state.handle(.character("n")) == nil)
        #expect(state.message?.contains("nothing was changed") == true)

        let insert = StudioStatements.insert(table: Self.users, values: [(Self.users.columns[1], "x@y"), (Self.users.columns[2], "'NULL'")])
        #expect(insert.sql == #"INSERT INTO "users" ("email", "name") VALUES (CAST($1 AS citext), CAST($2 AS text))"#)
        #expect(StudioState.parameterValue("'NULL'") == "NULL")
    }

    @Test func readOnlyRefusesEveryEdit() {
        var state = state(readOnly: true)
        for key in ["e", "d", "i"] {
            #expect(state.handle(.character(Character(key))) == nil)
            #expect(state.mode == .browse)
            #expect(state.message?.contains("read-only") == true)
        }
    }

    @Test func keysDecodeFromTerminalBytes() {
        #expect(StudioKey.decode([27, 91, 65])! == (.up, 3))
        #expect(StudioKey.decode([27, 91, 54, 126])! == (.pageDown, 4))
        #expect(StudioKey.decode([106])! == (.character("j"), 1))
        #expect(StudioKey.decode([3])! == (.interrupt, 1))
        #expect(StudioKey.decode(Array("é".utf8))! == (.character("é"), 2))
    }

    @Test func cellsKeepColumnsAlignedWithWideCharactersAndShowValuesForHumans() {
        for text in ["plain", "日本語テキスト", "emoji 🚀🚀 here", "ünïcödé", ""] {
            #expect(CellText.width(CellText.fit(text, 8)) == 8, "\(text)")
        }
        #expect(CellText.fit("abcdefghij", 5) == "abcd…")
        #expect(CellText.display(nil, type: "text") == CellText.null)
        #expect(CellText.display("", type: "text") == "")
        #expect(CellText.display("[0.123,-0.4,0.5]", type: "vector(3)") == "[0.12, -0.40, ... ] (3)")
        let lines = StudioRenderer(width: 100, height: 12, databaseName: "app").render(state())
        #expect(lines.count == 12)
        let plain = lines.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[a-zA-Z]", with: "", options: .regularExpression) }
        #expect(plain.allSatisfy { CellText.width($0) == 100 }, "every line is exactly the screen width")
        #expect(plain[1].contains("sessions") && plain[1].contains("250"))
        #expect(plain.contains { $0.contains(CellText.null) })
    }

    /// Values, names and messages with escape sequences in them.
    static let hostile = "INJECT\u{1B}[2J\u{1B}[31mRED\u{1B}]0;title\u{07} end\u{1B}[?1049l after\u{1B}]52;c;SGVsbG8=\u{07}\u{9B}2J\u{7F}\r\n"

    @Test func hostileValuesNamesAndMessagesNeverReachTheScreenAsControls() {
        let table = TableInfo(
            name: "t\u{1B}]0;pwned\u{07}", isView: false,
            columns: [.init(name: "id", type: "integer", isNullable: false), .init(name: "c\u{1B}[31m", type: "text", isNullable: true),
                      .init(name: "tail", type: "text", isNullable: true)],
            primaryKey: ["id"], rowCount: 1, rowCountIsExact: true, foreignKeys: [], referencedBy: [])
        var state = StudioState(tables: [table], readOnly: false)
        _ = state.selectTable(0)
        var page = StudioState.Page()
        page.columns = table.columns
        page.rows = [["1", Self.hostile, "TAILMARK"]]
        page.keys = [["1"]]
        state.show(page)
        state.focus = .grid
        state.message = "ERROR: \(Self.hostile)"
        let renderer = StudioRenderer(width: 160, height: 12, databaseName: "db\u{1B}[2J")
        var screens = [renderer.render(state)]
        state.mode = .detail(scroll: 0)
        screens.append(renderer.render(state))
        state.mode = .prompt(.sql, text: "SELECT '\u{1B}[2J'")
        screens.append(renderer.render(state))
        for lines in screens {
            // Take out the renderer's own attributes; nothing else may be a control character.
            let plain = lines.map { $0.replacingOccurrences(of: "\u{1B}\\[[0127]m", with: "", options: .regularExpression) }
            for line in plain {
                #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(line.debugDescription)")
                #expect(CellText.width(line) == 160, "\(line.debugDescription)")
            }
        }
        let grid = screens[0].map { $0.replacingOccurrences(of: "\u{1B}\\[[0127]m", with: "", options: .regularExpression) }
        #expect(grid.joined().contains("INJECT␛[2J␛[31mRED␛]0;title␇ end"))
        #expect(grid[0].contains("t␛]0;pwned␇"), "the table name in the title")
        // The column after the hostile cell starts where its header does.
        let header = grid[1], row = grid[3]
        let headerColumn = CellText.width(String(header[..<header.range(of: "tail")!.lowerBound]))
        let rowColumn = CellText.width(String(row[..<row.range(of: "TAILMARK")!.lowerBound]))
        #expect(headerColumn == rowColumn)
        #expect(CellText.width(Self.hostile) == CellText.width(TerminalSafeText.escaping(Self.hostile)))
        let detail = screens[1].joined()
        #expect(detail.contains("␛]52;c;SGVsbG8=␇<9B>2J␡␍"), "the detail shows the full value")
    }

    /// `messages.parts` in the row detail: part by part, text and code as their own lines, the
    /// short members beside the type, control characters shown as text like everywhere.
    @Test func theRowDetailShowsTypedPartsPartByPart() {
        let table = TableInfo(
            name: "messages", isView: false,
            columns: [.init(name: "id", type: "uuid", isNullable: false), .init(name: "parts", type: "jsonb", isNullable: false),
                      .init(name: "metadata", type: "jsonb", isNullable: false)],
            primaryKey: ["id"], rowCount: 1, rowCountIsExact: true, foreignKeys: [], referencedBy: [])
        var state = StudioState(tables: [table], readOnly: true)
        _ = state.selectTable(0)
        var page = StudioState.Page()
        page.columns = table.columns
        let parts = #"[{"text": "Here's my code:", "type": "text"}, {"code": "const x = 1;\nconsole.log(x)", "type": "code", "filename": "x.ts", "language": "typescript"}, {"alt": "a diagram", "url": "https://example.com/a.png", "type": "image", "width": 640, "height": 480}, {"type": "file", "fileId": "f1", "fileName": "report.pdf", "fileSize": 104857600, "fileType": "application/pdf"}, {"text": "bell\u0007 and \u001b[2J", "type": "text"}]"#
        page.rows = [["m1", parts, #"{"model": "gpt-4o", "tokens": {"total": 42}}"#]]
        page.keys = [["m1"]]
        state.show(page)
        state.mode = .detail(scroll: 0)
        let lines = StudioRenderer(width: 120, height: 30, databaseName: "db").render(state)
            .map { $0.replacingOccurrences(of: "\u{1B}\\[[0127]m", with: "", options: .regularExpression) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let start = lines.firstIndex { $0.hasPrefix("parts") }!
        #expect(Array(lines[(start + 1)...(start + 10)]) == [
            "[1] text", "Here's my code:",
            "[2] code · filename: x.ts · language: typescript", "const x = 1;", "console.log(x)",
            "[3] image · alt: a diagram · height: 480 · url: https://example.com/a.png · width: 640",
            "[4] file · fileId: f1 · fileName: report.pdf · fileSize: 104857600 · fileType: application/pdf",
            "[5] text", "bell␇ and ␛[2J", "metadata  jsonb",
        ])
        #expect(lines.contains("\"model\" : \"gpt-4o\","), "other JSON is pretty-printed as before")
        #expect(TypedPartsText.lines(#"[{"previousContent": "x", "timestamp": 1}]"#) == nil, "an array without types is not parts")
        #expect(TypedPartsText.lines("[]") == nil && TypedPartsText.lines("not json") == nil)
    }
}
