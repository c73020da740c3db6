import PGKit
@testable import Studio
import Testing

/// A SQL result pages through its cursor a page at a time; SQL that ran once says its rows were
/// kept, not paged; the title and status line say where the rows are and where an edit goes.
@Suite struct StudioResultPagingTests {
    func resultState(offset: Int, rows: Int, hasMore: Bool, pageable: Bool = true) -> StudioState {
        var state = StudioState(tables: [StudioStateTests.users], readOnly: false)
        var page = StudioState.Page()
        page.isAdHoc = true
        page.columns = [TableInfo.Column(name: "g", type: "text", isNullable: true)]
        page.rows = (0..<rows).map { [String(offset + $0 + 1)] }
        var info = SQLResultInfo(sql: "select g from generate_series(1, 3000000) g", isPageable: pageable)
        info.offset = offset
        info.hasMore = hasMore
        info.rowsSeen = offset + rows
        info.rowCountIsExact = !hasMore
        page.result = info
        state.show(page)
        state.focus = .grid
        return state
    }

    @Test func pageDownFetchesTheNextPageAndPageUpTheOneBefore() {
        var state = resultState(offset: 1000, rows: 1000, hasMore: true)
        #expect(state.handle(.pageDown) == .fetchResult(offset: 2000))
        var back = resultState(offset: 1000, rows: 1000, hasMore: true)
        #expect(back.handle(.pageUp) == .fetchResult(offset: 0))
        var first = resultState(offset: 0, rows: 1000, hasMore: true)
        #expect(first.handle(.pageUp) == nil)
    }

    @Test func movingPastTheLastRowFetchesTheNextPage() {
        var state = resultState(offset: 0, rows: 1000, hasMore: true)
        state.cursorRow = 999
        #expect(state.handle(.down) == .fetchResult(offset: 1000))
        var end = resultState(offset: 2000, rows: 5, hasMore: false)
        end.cursorRow = 4
        #expect(end.handle(.down) == nil)
    }

    @Test func sqlThatRanOnceSaysItsRowsWereKeptNotPaged() {
        var state = resultState(offset: 0, rows: 1000, hasMore: true, pageable: false)
        #expect(state.handle(.pageDown) == nil)
        #expect(state.message?.contains("cannot page") == true)
        #expect(StudioRenderer.resultTitle(state.page).contains("only these are kept"))
    }

    @Test func theTitleSaysWhichRowsAreShownAndTheCountSoFar() {
        #expect(StudioRenderer.resultTitle(resultState(offset: 1000, rows: 1000, hasMore: true).page) == "SQL result: rows 1001–2000 of 2000+ (more rows: PgDn)")
        #expect(StudioRenderer.resultTitle(resultState(offset: 0, rows: 3, hasMore: false).page) == "SQL result (3 rows)")
    }

    @Test func theStatusLineShowsTheDatabaseTheRoleAndWhetherEditsAreOn() {
        let renderer = StudioRenderer(width: 120, height: 10, databaseName: "chat", role: "app")
        let writable = StudioState(tables: [StudioStateTests.users], readOnly: false)
        #expect(renderer.render(writable).last?.contains("chat · role app · read-write") == true)
        var running = StudioState(tables: [StudioStateTests.users], readOnly: true)
        running.activity = StudioActivity(label: "running SQL", elapsedTenths: 23)
        let line = renderer.render(running).last ?? ""
        #expect(line.contains("running SQL… 2.3 s · Esc cancels") && line.contains("read-only"))
    }

    @Test func aCutValueCannotBeEditedInPlace() {
        var state = StudioState(tables: [StudioStateTests.users], readOnly: false)
        _ = state.selectTable(0)
        var page = StudioState.Page()
        page.columns = StudioStateTests.users.columns
        page.rows = [["u1", "a@example.com", String(repeating: "x", count: StudioLimits.valueCharacters)]]
        page.keys = [["u1"]]
        page.cutCells = [.init(row: 0, column: 2)]
        state.show(page)
        state.focus = .grid
        state.cursorColumn = 2
        #expect(state.handle(.character("e")) == nil)
        #expect(state.mode == .browse && state.message?.contains("longer than") == true)
    }
}
