import Foundation
import PGKit
import PGKitTestSupport
@testable import Studio
import Testing

/// `dbctl studio` in a real tmux (its own server, so its clipboard and title can be checked)
/// against a real server holding escape sequences in cells, in a table name, in column names,
/// in a query's column name, in an error and in a notice.
@Suite(.serialized) struct StudioHostileDataTests {
    /// Where tmux runs: its panes start in the client's directory, which must outlive the client
    /// (CommandRun removes a directory of its own as soon as `tmux new-session -d` returns).
    static let workingDirectory = FileManager.default.temporaryDirectory

    /// A tmux server of its own, so the clipboard setting and buffers are the test's alone.
    let socket = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-hostile-\(UInt32.random(in: 0...UInt32.max)).tmux").path
    let session = "hostile"
    static let title = "pgkit-test-title"
    static let esc = "\u{1B}", bel = "\u{07}"
    static let tableName = "evil\(esc)]0;pwned\(bel)"
    static let columnName = "col\(esc)[31m"
    static let injection = "INJECT\(esc)[2J\(esc)[31mRED\(esc)]0;title\(bel) end\(esc)[?1049l after"
    static let clipboard = "clip\(esc)]52;c;SGVsbG8=\(bel) c1\u{9B}2J del\u{7F} bell\(bel)"

    func tmux(_ arguments: [String]) async throws -> String {
        try await CommandRun.run("/usr/bin/tmux", ["-S", socket] + arguments, in: Self.workingDirectory).output
    }

    /// The screen as text; with `escapes`, with the attributes tmux holds for each cell (so red
    /// text would show as `ESC[31m`).
    func screen(escapes: Bool = false) async throws -> String {
        try await tmux(["capture-pane", "-t", session, "-p"] + (escapes ? ["-e"] : []))
    }

    func keys(_ keys: String...) async throws {
        _ = try await tmux(["send-keys", "-t", session] + keys)
        try await Task.sleep(for: .milliseconds(300))
    }

    func type(_ text: String) async throws {
        _ = try await tmux(["send-keys", "-t", session, "-l", text])
        try await Task.sleep(for: .milliseconds(300))
    }

    func waitFor(_ text: String) async throws -> Bool {
        for _ in 0..<50 {
            if try await screen().contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// What a leaked sequence would have changed: the alternate screen, the pane's title, the
    /// clipboard (tmux buffers, with set-clipboard on), red text.
    func expectTerminalUntouched(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await tmux(["display", "-p", "-t", session, "#{alternate_on}"]).hasPrefix("1"), "\(step): still on the alternate screen", sourceLocation: sourceLocation)
        #expect(try await tmux(["display", "-p", "-t", session, "#{pane_title}"]) == Self.title + "\n", "\(step): title unchanged", sourceLocation: sourceLocation)
        #expect(try await tmux(["list-buffers"]).isEmpty, "\(step): nothing written to the clipboard", sourceLocation: sourceLocation)
        let attributes = try await screen(escapes: true)
        #expect(!attributes.contains("\(Self.esc)[31m") && !attributes.contains("\(Self.esc)[38;5;1m"), "\(step): no red text", sourceLocation: sourceLocation)
        #expect(try await screen().contains("PGKit Studio"), "\(step): the title bar was not cleared away", sourceLocation: sourceLocation)
    }

    /// The display column where `marker` starts on the first line holding it.
    func column(of marker: String, in screen: String) -> Int? {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains(marker) }),
              let range = line.range(of: marker) else { return nil }
        return CellText.width(String(line[..<range.lowerBound]))
    }

    func prepare(_ config: PGConfig) async throws {
        try await PGConnection.withConnection(config) { connection in
            let table = PGQuery.quoteIdentifier(Self.tableName), column = PGQuery.quoteIdentifier(Self.columnName)
            try await connection.executeScript("""
                CREATE TABLE \(table) (\(column) text PRIMARY KEY);
                INSERT INTO \(table) VALUES ('x');
                CREATE TABLE notes (id int PRIMARY KEY, body text, tail text);
                CREATE FUNCTION hostile() RETURNS TABLE(\(PGQuery.quoteIdentifier("out\(Self.esc)]0;cols\(Self.bel)")) text)
                    LANGUAGE sql AS $$ SELECT chr(27) || '[2J' || chr(27) || '[31mSQLRED' $$;
                """)
            try await connection.execute("INSERT INTO notes VALUES (1, \(Self.injection), 'TAILMARK'), (2, \(Self.clipboard), 'TAILTWO')")
        }
    }

    @Test func escapeSequencesFromTheDatabaseShowAsTextAndDriveNothing() async throws {
        let config = try await TestDatabase.create("studio_hostile")
        try await prepare(config)
        let command = "sleep 1; TERM=xterm-256color NO_COLOR=1 '\(CommandRun.dbctlPath)' studio --database-url '\(config.url)'; echo STUDIO-EXITED-$?; sleep 60"
        _ = try await tmux(["new-session", "-d", "-s", session, "-x", "200", "-y", "40", command])
        defer { Task { [socket] in _ = try? await CommandRun.run("/usr/bin/tmux", ["-S", socket, "kill-server"]); unlink(socket) } }
        _ = try await tmux(["set-option", "-s", "set-clipboard", "on"])
        _ = try await tmux(["select-pane", "-t", session, "-T", Self.title])

        // The first table is the one with the hostile name and column name.
        #expect(try await waitFor("PGKit Studio"))
        #expect(try await waitFor("evil␛]0;pwned␇"), "the table name in the sidebar and title")
        #expect(try await waitFor("col␛[31m"), "the column name in the header (the page loads after the screen is up)")
        try await expectTerminalUntouched("table and column names")

        // Cells: visible forms, and the column after the hostile one stays aligned.
        try await keys("j")
        #expect(try await waitFor("notes (2 rows)"))
        let grid = try await screen()
        #expect(grid.contains("INJECT␛[2J␛[31mRED␛]0;title␇ end"), "\(grid)")
        #expect(grid.contains("clip␛]52;c;SGVsbG8=␇ c1<9B>2J del␡ bell␇"))
        #expect(column(of: "tail", in: grid) != nil && column(of: "tail", in: grid) == column(of: "TAILMARK", in: grid), "\(grid)")
        #expect(column(of: "TAILMARK", in: grid) == column(of: "TAILTWO", in: grid))
        try await expectTerminalUntouched("cells")

        // The row detail shows each full value.
        try await keys("Tab", "Enter")
        #expect(try await waitFor("INJECT␛[2J␛[31mRED␛]0;title␇ end␛[?1049l after"))
        try await expectTerminalUntouched("row detail")
        try await keys("q", "j", "Enter")
        #expect(try await waitFor("clip␛]52;c;SGVsbG8=␇ c1<9B>2J del␡ bell␇"))
        try await expectTerminalUntouched("row detail with OSC 52 and C1")
        try await keys("q")

        // Export keeps the exact bytes.
        let exportPath = FileManager.default.temporaryDirectory.appendingPathComponent("studio-hostile-\(UUID().uuidString).csv").path
        try await keys("x")
        for _ in 0..<20 { _ = try await tmux(["send-keys", "-t", session, "BSpace"]) }
        try await type(exportPath)
        try await keys("Enter")
        #expect(try await waitFor("exported 2 rows"))
        let exported = try String(contentsOfFile: exportPath, encoding: .utf8)
        #expect(exported.contains(Self.injection) && exported.contains(Self.clipboard), "the file holds the raw values")
        try? FileManager.default.removeItem(atPath: exportPath)

        // A query's column names and values.
        try await keys(":")
        try await type("SELECT * FROM hostile()")
        try await keys("Enter")
        #expect(try await waitFor("out␛]0;cols␇"))
        #expect(try await screen().contains("␛[2J␛[31mSQLRED"))
        try await expectTerminalUntouched("SQL result")

        // A server error and a notice carrying the payload.
        try await keys(":")
        try await type(#"DO $$BEGIN RAISE EXCEPTION E'BOOM\x1b]0;errtitle\x07\x1b[?1049l\x1b[2J\x1b]52;c;SGVsbG8=\x07'; END$$"#)
        try await keys("Enter")
        #expect(try await waitFor("BOOM␛]0;errtitle␇␛[?1049l␛[2J␛]52;c;SGVsbG8=␇"))
        try await expectTerminalUntouched("error message")
        try await keys(":")
        try await type(#"DO $$BEGIN RAISE NOTICE E'NOTE\x1b[?1049l\x1b]0;noticetitle\x07\x1b[2J'; END$$"#)
        try await keys("Enter")
        try await Task.sleep(for: .milliseconds(500))
        try await expectTerminalUntouched("notice")

        try await keys("q")
        #expect(try await waitFor("STUDIO-EXITED-0"))
        _ = try await tmux(["kill-server"])
        unlink(socket)
    }

    @Test func theChecksSeeWhatARawSequenceDoes() async throws {
        // The same tmux setup, with the sequences written raw: each check above would fail.
        // The sequences go out once the pane's title and the clipboard option are set (a fixed
        // delay lost that race on a loaded machine).
        let go = socket + ".go"
        let command = "while [ ! -e '\(go)' ]; do sleep 0.05; done; printf '\\033[?1049h\\033]0;pwned\\007\\033]52;c;SGVsbG8=\\007\\033[31mRED'; sleep 60"
        _ = try await tmux(["new-session", "-d", "-s", session, "-x", "80", "-y", "10", command])
        defer { Task { [socket] in _ = try? await CommandRun.run("/usr/bin/tmux", ["-S", socket, "kill-server"]); unlink(socket); unlink(go) } }
        _ = try await tmux(["set-option", "-s", "set-clipboard", "on"])
        _ = try await tmux(["select-pane", "-t", session, "-T", Self.title])
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        #expect(try await waitFor("RED"))
        #expect(try await tmux(["display", "-p", "-t", session, "#{pane_title}"]) == "pwned\n")
        #expect(try await tmux(["list-buffers"]).contains("Hello"))
        #expect(try await screen(escapes: true).contains("\(Self.esc)[31mRED"))
        _ = try await tmux(["kill-server"])
        unlink(socket)
    }
}
