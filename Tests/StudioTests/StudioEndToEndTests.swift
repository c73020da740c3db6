import Foundation
import Migrator
import PGKit
import PGKitTestSupport
import Repositories
import Testing

/// The studio as a person uses it: in tmux, against the seeded database, reading the screen.
@Suite(.serialized) struct StudioEndToEndTests {
    /// Where tmux runs: its panes start in the client's directory, which must outlive the client
    /// (CommandRun removes a directory of its own as soon as `tmux new-session -d` returns).
    static let workingDirectory = FileManager.default.temporaryDirectory

    let session = "pgkit-studio-\(UInt32.random(in: 0...UInt32.max))"

    func tmux(_ arguments: [String]) async throws -> String {
        let result = try await CommandRun.run("/usr/bin/tmux", arguments, in: Self.workingDirectory)
        return result.output
    }

    func screen() async throws -> String { try await tmux(["capture-pane", "-t", session, "-p"]) }

    func keys(_ keys: String...) async throws {
        _ = try await tmux(["send-keys", "-t", session] + keys)
        try await Task.sleep(for: .milliseconds(400))
    }

    func waitFor(_ text: String) async throws -> Bool {
        for _ in 0..<50 {
            if try await screen().contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits until the screen passes `check` (pages load after the key that asks for them).
    func waitForScreen(_ check: (String) -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if check(try await screen()) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func browseFilterFollowEditAndQuit() async throws {
        let config = try await TestDatabase.create("studio_e2e")
        try await Migrator(config: config, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
        try await PGConnection.withConnection(config) { _ = try await SampleData.seed($0) }
        let command = "TERM=xterm-256color NO_COLOR=1 '\(CommandRun.dbctlPath)' studio --database-url '\(config.url)'; echo STUDIO-EXITED-$?; sleep 60"
        _ = try await tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "40", command])
        defer { Task { _ = try? await CommandRun.run("/usr/bin/tmux", ["kill-session", "-t", session]) } }

        #expect(try await waitFor("PGKit Studio"))
        let sidebar = try await screen()
        #expect(sidebar.contains("messages") && sidebar.contains("2000"), "the sidebar shows messages with its count")

        // Open messages (the sidebar is sorted: character_files, dbctl_migrations, memories, messages).
        try await keys("j", "j", "j")
        #expect(try await waitFor("messages (2000 rows)"))
        try await keys("Tab")
        #expect(try await waitFor("You are a helpful assistant"), "opening it shows rows")

        // A filter narrows them.
        try await keys("/")
        try await keys("role = system", "Enter")
        #expect(try await waitFor("filter: role = system"))
        #expect(try await waitForScreen { $0.contains(" system ") && !$0.contains(" user ") && !$0.contains("loading…") }, "only system messages remain")

        // Export the filtered view.
        let exportPath = FileManager.default.temporaryDirectory.appendingPathComponent("studio-export-\(UUID().uuidString).csv").path
        try await keys("x")
        for _ in 0..<20 { _ = try await tmux(["send-keys", "-t", session, "BSpace"]) }
        try await keys(exportPath, "Enter")
        #expect(try await waitFor("exported 20 rows"))
        let exported = try String(contentsOfFile: exportPath, encoding: .utf8).split(separator: "\n")
        #expect(exported.count == 21 && exported[0] == "id,session_id,role,content,created_at,parts,metadata,status,parent_message_id,thread_level,edit_history,edited_at")
        try? FileManager.default.removeItem(atPath: exportPath)

        // A message with parts: the row detail shows them part by part.
        try await keys("/")
        for _ in 0..<20 { _ = try await tmux(["send-keys", "-t", session, "BSpace"]) }
        try await keys("content ~ Does this look right", "Enter")
        #expect(try await waitFor("filter: content ~ Does this look right"))
        try await keys("Enter")
        #expect(try await waitFor("[2] code · filename: Notes.swift · language: swift"))
        #expect(try await screen().contains("print(topic)"), "the code on its own lines")
        try await keys("q")

        // Following a message's session_id lands on its session.
        try await keys("l")
        try await keys("f")
        #expect(try await waitFor("sessions (20 rows) · filter: id ="))

        // An edit shows up in the database afterwards: rename a specialization.
        try await keys("b")
        try await keys("Tab", "j", "j", "Tab")
        #expect(try await waitFor("specializations (5 rows)"))
        try await keys("h", "h", "h", "l")  // column "name"
        try await keys("e")
        #expect(try await waitFor("new value for name"))
        for _ in 0..<40 { _ = try await tmux(["send-keys", "-t", session, "BSpace"]) }
        try await keys("studio-edited", "Enter")
        #expect(try await waitFor("UPDATE"), "the SQL is shown before it runs")
        try await keys("y")
        #expect(try await waitFor("done: 1 row(s) changed"))
        let renamed = try await PGConnection.withConnection(config) {
            try await $0.query("SELECT count(*) FROM specializations WHERE name = 'studio-edited'").scalar(Int.self)
        }
        #expect(renamed == 1)

        // q restores the terminal: the shell line after the program is all that is left.
        try await keys("q")
        #expect(try await waitFor("STUDIO-EXITED-0"))
        #expect(try await !screen().contains("PGKit Studio"))
    }

    @Test func redrawsWhenResizedAndCtrlCRestoresTheTerminal() async throws {
        let config = try await TestDatabase.create("studio_resize")
        try await Migrator(config: config, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
        let command = "TERM=xterm-256color '\(CommandRun.dbctlPath)' studio --read-only --database-url '\(config.url)'; echo STUDIO-EXITED-$?; sleep 60"
        _ = try await tmux(["new-session", "-d", "-s", session, "-x", "150", "-y", "30", command])
        defer { Task { _ = try? await CommandRun.run("/usr/bin/tmux", ["kill-session", "-t", session]) } }
        #expect(try await waitFor("read-only"))
        _ = try await tmux(["resize-window", "-t", session, "-x", "90", "-y", "20"])
        try await Task.sleep(for: .milliseconds(600))
        let lines = try await screen().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.contains("PGKit Studio") == true, "redrawn at the new size")
        #expect(lines.filter { !$0.isEmpty }.count <= 20)
        try await keys("e")
        #expect(try await waitFor("read-only: editing is off"))
        try await keys("C-c")
        #expect(try await waitFor("STUDIO-EXITED-0"))
        #expect(try await !screen().contains("PGKit Studio"))
    }
}
