import Foundation
import PGKit
import PGKitTestSupport
@testable import Studio
import Testing

/// Live refresh as a value: a change to the open table asks for a refresh, which keeps the
/// cursor on its row, waits while an edit is open, and is dropped when the view moved on.
@Suite struct StudioLiveRefreshStateTests {
    static let notes = TableInfo(
        name: "notes", isView: false,
        columns: [.init(name: "id", type: "integer", isNullable: false), .init(name: "body", type: "text", isNullable: true)],
        primaryKey: ["id"], rowCount: 3, rowCountIsExact: true, foreignKeys: [], referencedBy: [])
    static let other = TableInfo(
        name: "other", isView: false, columns: [.init(name: "id", type: "integer", isNullable: false)],
        primaryKey: ["id"], rowCount: 0, rowCountIsExact: true, foreignKeys: [], referencedBy: [])

    static func page(_ ids: [Int]) -> StudioState.Page {
        var page = StudioState.Page()
        page.columns = notes.columns
        page.rows = ids.map { [String($0), "note \($0)"] }
        page.keys = ids.map { [String($0)] }
        return page
    }

    func browsing() -> StudioState {
        var state = StudioState(tables: [Self.notes, Self.other], readOnly: false)
        _ = state.selectTable(0)
        state.show(Self.page([1, 2, 3]))
        state.focus = .grid
        state.liveRefresh = .on(publication: "dbctl_watch", tables: nil)
        return state
    }

    @Test func aChangeToTheOpenTableRefreshesItKeepingTheCursorOnItsRow() {
        var state = browsing()
        _ = state.handle(.down)
        _ = state.handle(.right)
        state.noteChanges(to: ["other"])
        #expect(state.refreshIfDue() == nil, "another table's changes do not refresh this one")
        state.noteChanges(to: ["notes"])
        #expect(state.refreshIfDue() == .refreshPage)
        #expect(state.refreshIfDue() == nil, "one refresh per batch of changes")
        // Row 0 was inserted before the cursor's row (id 2): the cursor follows its row.
        state.applyRefresh(Self.page([0, 1, 2, 3]), rowCount: 4, of: "notes", loadedWith: state.query)
        #expect(state.page.keys[state.cursorRow] == ["2"])
        #expect(state.cursorColumn == 1)
        #expect(state.table?.rowCount == 4)
        // Its row deleted: the cursor stays where it was on the page.
        state.applyRefresh(Self.page([0, 1, 3]), rowCount: 3, of: "notes", loadedWith: state.query)
        #expect(state.cursorRow == 2)
        state.applyRefresh(Self.page([0]), rowCount: 1, of: "notes", loadedWith: state.query)
        #expect(state.cursorRow == 0)
    }

    @Test func neverRefreshesWhileACellIsEditedAndCatchesUpAfter() {
        var state = browsing()
        _ = state.handle(.down)
        _ = state.handle(.character("e"))
        #expect(state.isEditing)
        state.noteChanges(to: ["notes"])
        #expect(state.refreshIfDue() == nil, "no refresh while the prompt is open")
        // A refresh that started before the edit and ends during it is kept for later.
        var started = browsing()
        _ = started.handle(.down)
        started.noteChanges(to: ["notes"])
        #expect(started.refreshIfDue() == .refreshPage)
        _ = started.handle(.character("e"))
        started.applyRefresh(Self.page([0, 1, 2, 3]), rowCount: 4, of: "notes", loadedWith: started.query)
        #expect(started.page.keys == [["1"], ["2"], ["3"]], "the rows under the edit stay")
        #expect(started.refreshIfDue() == nil)
        _ = started.handle(.escape)
        #expect(started.refreshIfDue() == .refreshPage, "after the edit, the refresh runs")
        _ = state.handle(.escape)
        #expect(state.refreshIfDue() == .refreshPage)
    }

    @Test func aRefreshForAViewLeftMeanwhileIsDropped() {
        var state = browsing()
        let query = state.query
        _ = state.handle(.character("j"))
        _ = state.selectTable(1)
        state.applyRefresh(Self.page([7, 8]), rowCount: 2, of: "notes", loadedWith: query)
        #expect(state.page.keys != [["7"], ["8"]])
        var sqlResult = browsing()
        sqlResult.page.isAdHoc = true
        sqlResult.noteChanges(to: ["notes"])
        #expect(sqlResult.refreshIfDue() == nil, "an SQL result is not the table")
    }

    @Test func theStatusLineSaysWhyLiveRefreshIsOff() {
        var state = browsing()
        let renderer = StudioRenderer(width: 160, height: 12, databaseName: "chat", role: "app")
        #expect(renderer.render(state).last?.contains("read-write · live") == true)
        state.liveRefresh = .off(reason: "role app has no REPLICATION attribute")
        let off = renderer.render(state).last ?? ""
        #expect(off.contains("live refresh off: role app has no REPLICATION attribute") && off.contains("not live"), "\(off)")
        state.liveRefresh = .on(publication: "chat_changes", tables: ["other"])
        #expect(renderer.render(state).last?.contains("live refresh off here: notes is not in chat_changes") == true)
    }
}

/// The real dbctl in tmux: another connection inserts and updates rows of the open table and
/// the screen shows them with no key pressed, the cursor staying on its row; an open edit holds
/// the refresh back until it closes; a role that may not replicate gets the studio without live
/// refresh and a status line that says why.
@Suite(.serialized) struct StudioLiveRefreshEndToEndTests {
    static let workingDirectory = FileManager.default.temporaryDirectory
    let session = "pgkit-studio-live-\(UInt32.random(in: 0...UInt32.max))"

    func tmux(_ arguments: [String]) async throws -> String {
        try await CommandRun.run("/usr/bin/tmux", arguments, in: Self.workingDirectory).output
    }

    func screen(escapes: Bool = false) async throws -> String {
        try await tmux(["capture-pane", "-t", session, "-p"] + (escapes ? ["-e"] : []))
    }

    func keys(_ keys: String...) async throws {
        _ = try await tmux(["send-keys", "-t", session] + keys)
        try await Task.sleep(for: .milliseconds(300))
    }

    /// Loose bounds: creating the studio's slot waits for every transaction running in the
    /// cluster, other suites' included.
    func waitFor(seconds: Int = 20, _ check: (String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if check(try await screen()) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func start(_ config: PGConfig) async throws {
        let command = "TERM=xterm-256color NO_COLOR=1 '\(CommandRun.dbctlPath)' studio --database-url '\(config.url)'; echo STUDIO-EXITED-$?; sleep 60"
        _ = try await tmux(["new-session", "-d", "-s", session, "-x", "200", "-y", "30", command])
    }

    func killSession() { Task { _ = try? await CommandRun.run("/usr/bin/tmux", ["kill-session", "-t", session], in: Self.workingDirectory) } }

    @Test func committedChangesToTheOpenTableShowWithoutAKeyAndWaitForAnOpenEdit() async throws {
        let config = try await TestDatabase.create("studio_live")
        let writer = try await PGConnection.connect(config)
        try await writer.executeScript("""
            CREATE TABLE notes (id int PRIMARY KEY, body text);
            INSERT INTO notes VALUES (1, 'first'), (2, 'second'), (3, 'third');
            CREATE TABLE unkeyed (body text); INSERT INTO unkeyed VALUES ('no key')
            """)
        try await start(config)
        defer { killSession() }
        #expect(try await waitFor { $0.contains("notes (3 rows)") && $0.contains("second") })
        _ = try await waitFor(seconds: 150) { $0.split(separator: "\n").contains { $0.hasSuffix("read-write · live") || $0.hasSuffix("not live") } }
        let live = try await screen().split(separator: "\n").contains { $0.hasSuffix("read-write · live") }
        let screenNow = try await screen()
        #expect(live, "live refresh is on: \(screenNow)")
        // Its publication leaves out the table without a key, whose updates and deletes go on
        // working (a publication for every table would make them fail).
        let published = try await writer.query("SELECT tablename::text FROM pg_publication_tables WHERE pubname = 'dbctl_studio'")
        #expect(try published.map { try $0.decode(String.self, at: 0) } == ["notes"])
        try await writer.execute("UPDATE unkeyed SET body = 'still updatable'")
        try await keys("Tab", "j", "l")  // the grid, the row with id 2, its body

        try await writer.execute("INSERT INTO notes VALUES (0, 'inserted from elsewhere')")
        try await writer.execute("UPDATE notes SET body = 'updated from elsewhere' WHERE id = 3")
        let shown = try await waitFor { $0.contains("inserted from elsewhere") && $0.contains("updated from elsewhere") && $0.contains("notes (4 rows)") }
        let shownScreen = try await screen()
        #expect(shown, "shown with no key pressed: \(shownScreen)")
        // The cursor stayed on its row (id 2), now the third: its body cell is highlighted.
        let withAttributes = try await screen(escapes: true)
        let highlighted = withAttributes.split(separator: "\n").filter { $0.contains("\u{1B}[7msecond") }
        #expect(highlighted.count == 1, "the cursor is on the row with id 2: \(withAttributes)")

        // An open edit holds the refresh back; closing it lets the change in.
        try await keys("e")
        #expect(try await waitFor { $0.contains("new value for body: second") })
        try await writer.execute("UPDATE notes SET body = 'changed during the edit' WHERE id = 1")
        try await Task.sleep(for: .seconds(2))
        #expect(try await !screen().contains("changed during the edit"), "no refresh while a cell is edited")
        try await keys("Escape")
        #expect(try await waitFor { $0.contains("changed during the edit") }, "the refresh runs once the edit is closed")

        // The table left out says so.
        try await keys("Tab", "j")
        let saysOutside = try await waitFor { $0.contains("live refresh off here: unkeyed is not in dbctl_studio") }
        #expect(saysOutside)
        try await keys("q")
        #expect(try await waitFor { $0.contains("STUDIO-EXITED-0") })
        // The studio's temporary slot went with it.
        var slots = -1
        for _ in 0..<100 {
            slots = try await writer.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'dbctl_studio_%' AND database = current_database()").scalar(Int.self) ?? -1
            if slots == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(slots == 0)

        // A table made since: the next studio adds it to its publication.
        try await writer.executeScript("CREATE TABLE later (id int PRIMARY KEY)")
        _ = try await tmux(["kill-session", "-t", session])
        try await start(config)
        _ = try await waitFor(seconds: 150) { $0.split(separator: "\n").contains { $0.hasSuffix("read-write · live") || $0.hasSuffix("not live") } }
        let extended = try await writer.query("SELECT tablename::text FROM pg_publication_tables WHERE pubname = 'dbctl_studio' ORDER BY 1")
        #expect(try extended.map { try $0.decode(String.self, at: 0) } == ["later", "notes"])
        try await keys("q")
        await writer.close()
    }

    @Test func aRoleThatMayNotReplicateGetsTheStudioAndTheReason() async throws {
        let config = try await TestDatabase.create("studio_live_off")
        let role = "studio_np_\(UInt16.random(in: 0...UInt16.max))"
        let admin = try await PGConnection.connect(config)
        try await admin.executeScript("""
            CREATE ROLE \(role) LOGIN NOREPLICATION;
            CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'visible');
            GRANT SELECT ON notes TO \(role)
            """)
        var plain = config
        plain["user"] = role
        try await start(plain)
        let saysWhy = try await waitFor { $0.contains("live refresh off: role \(role) has no REPLICATION attribute") && $0.contains("visible") }
        let offScreen = try await screen()
        #expect(saysWhy, "\(offScreen)")
        try await keys("q")
        #expect(try await waitFor { $0.contains("STUDIO-EXITED-0") })
        killSession()
        try await admin.executeScript("DROP OWNED BY \(role); DROP ROLE \(role)")
        await admin.close()
    }
}
