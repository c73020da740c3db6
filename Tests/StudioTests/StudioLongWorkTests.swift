import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// The studio under real use, in tmux against a real server: a 3,000,000-row SQL result in
/// bounded memory (the dbctl process's VmHWM from /proc), paged and exported whole; a long
/// statement watched and cancelled with Esc (pg_stat_activity shows it gone); a table load
/// blocked by a lock cancelled with Ctrl-C, and a second Ctrl-C quitting.
@Suite(.serialized) struct StudioLongWorkTests {
    /// Where tmux runs: its panes start in the client's directory, which must outlive the client.
    static let workingDirectory = FileManager.default.temporaryDirectory
    /// The documented bound on the studio's peak resident memory with a huge result (README).
    /// Measured: about 35 MB; before results were paged, 827 MB for this query.
    static let memoryBoundKilobytes = 150 * 1024

    let session = "pgkit-studio-long-\(UInt32.random(in: 0...UInt32.max))"

    func tmux(_ arguments: [String]) async throws -> String {
        try await CommandRun.run("/usr/bin/tmux", arguments, in: Self.workingDirectory).output
    }

    func screen() async throws -> String { try await tmux(["capture-pane", "-t", session, "-p"]) }

    func keys(_ keys: String...) async throws {
        _ = try await tmux(["send-keys", "-t", session] + keys)
        try await Task.sleep(for: .milliseconds(300))
    }

    func type(_ text: String) async throws {
        _ = try await tmux(["send-keys", "-t", session, "-l", text])
        try await Task.sleep(for: .milliseconds(300))
    }

    func waitFor(_ text: String, seconds: Int = 10) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            if try await screen().contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Starts dbctl studio in a tmux session of its own and returns dbctl's pid.
    func startStudio(_ config: PGConfig) async throws -> pid_t {
        let command = "TERM=xterm-256color '\(CommandRun.dbctlPath)' studio --database-url '\(config.url)'; echo STUDIO-EXITED-$?; sleep 60"
        _ = try await tmux(["new-session", "-d", "-s", session, "-x", "160", "-y", "40", command])
        #expect(try await waitFor("PGKit Studio"))
        let shell = try await tmux(["display", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return try #require(children.split(separator: " ").first.flatMap { pid_t($0) }, "dbctl runs under the pane's shell")
    }

    /// Peak resident memory (VmHWM) of `pid` in kilobytes.
    func highWaterMark(_ pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }

    func killSession() { Task { _ = try? await CommandRun.run("/usr/bin/tmux", ["kill-session", "-t", session], in: Self.workingDirectory) } }

    /// Backends on `database` doing something (or waiting), other than the asking one and the
    /// studio's live-refresh walsender (always active while it streams).
    func busyBackends(_ config: PGConfig) async throws -> Int {
        try await PGConnection.withConnection(config) {
            try await $0.query("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND state NOT IN ('idle')
                  AND backend_type <> 'walsender'
                """).scalar(Int.self) ?? -1
        }
    }

    @Test func aThreeMillionRowResultStaysInBoundedMemoryPagesAndExportsEveryRow() async throws {
        let config = try await TestDatabase.create("studio_huge")
        let pid = try await startStudio(config)
        defer { killSession() }
        try await keys(":")
        try await type("select g, md5(g::text) from generate_series(1, 3000000) g")
        try await keys("Enter")
        #expect(try await waitFor("SQL result: rows 1–1000 of 1000+ (more rows: PgDn)", seconds: 60))
        let afterFirstPage = try highWaterMark(pid)
        #expect(afterFirstPage < Self.memoryBoundKilobytes, "peak \(afterFirstPage) kB with the first page shown")

        // Paging fetches later rows (and earlier ones again).
        try await keys("PageDown")
        try await keys("PageDown")
        #expect(try await waitFor("rows 2001–3000 of 3000+"))
        #expect(try await screen().contains("2001 " + "d0fb963ff976f9c37fc81fe03c21ea7b"), "row 2001 with its md5")
        try await keys("PageUp")
        #expect(try await waitFor("rows 1001–2000 of 3000+"))

        // The export writes every row, values whole, and memory stays bounded.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("studio-huge-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await keys("x")
        for _ in 0..<12 { _ = try await tmux(["send-keys", "-t", session, "BSpace"]) }
        try await type(path)
        try await keys("Enter")
        #expect(try await waitFor("exporting to", seconds: 10), "the export shows it is running")
        #expect(try await waitFor("exported 3000000 rows", seconds: 400))
        var lines = 0
        let handle = try #require(FileHandle(forReadingAtPath: path))
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { lines += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
        try handle.close()
        #expect(lines == 3_000_001, "a header and 3,000,000 rows")
        let afterExport = try highWaterMark(pid)
        #expect(afterExport < Self.memoryBoundKilobytes, "peak \(afterExport) kB after the export")
        try await keys("q")
        #expect(try await waitFor("STUDIO-EXITED-0"))
    }

    @Test func escCancelsALongStatementOnTheServerAndTheStudioStaysUsable() async throws {
        let config = try await TestDatabase.create("studio_cancel")
        _ = try await startStudio(config)
        defer { killSession() }
        try await keys(":")
        try await type("select pg_sleep(30)")
        try await keys("Enter")
        #expect(try await waitFor("running SQL… "), "the status line shows the statement running")
        #expect(try await waitFor("Esc cancels"))
        #expect(try await busyBackends(config) >= 1, "the server is running it")
        try await keys("Escape")
        #expect(try await waitFor("cancelled running SQL after"), "Esc cancelled it")
        #expect(try await busyBackends(config) == 0, "the server runs nothing for the studio any more")
        // Still usable: the next statement runs and shows its result.
        try await keys(":")
        try await type("select 42 as answer")
        try await keys("Enter")
        #expect(try await waitFor("SQL result (1 rows)"))
        #expect(try await screen().contains("answer"))
        try await keys("q")
        #expect(try await waitFor("STUDIO-EXITED-0"))
    }

    @Test func ctrlCCancelsATableLoadBlockedByALockAndASecondCtrlCQuits() async throws {
        let config = try await TestDatabase.create("studio_locked")
        try await PGConnection.withConnection(config) {
            try await $0.executeScript("""
                CREATE TABLE a_first (id int PRIMARY KEY); CREATE TABLE locked_notes (id int PRIMARY KEY, body text);
                INSERT INTO locked_notes VALUES (1, 'hello');
                """)
        }
        _ = try await startStudio(config)
        defer { killSession() }
        #expect(try await waitFor("a_first (0 rows)"))
        // Another session holds the table: the studio's page load waits for the lock.
        let locker = try await PGConnection.connect(config)
        try await locker.executeScript("BEGIN; LOCK TABLE locked_notes IN ACCESS EXCLUSIVE MODE")
        try await keys("j")
        #expect(try await waitFor("loading locked_notes… "))
        #expect(try await busyBackends(config) >= 2, "the lock holder, and the studio waiting")
        try await keys("C-c")
        #expect(try await waitFor("cancelled loading locked_notes after"))
        #expect(try await screen().contains("a_first (0 rows)"), "back on the view before the key")
        // Only the lock holder is left: idle in its transaction, not active.
        let waiting = try await PGConnection.withConnection(config) {
            try await $0.query("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND backend_type <> 'walsender'
                """).scalar(Int.self)
        }
        #expect(waiting == 0, "the studio's statement is gone from the server")
        try await keys("C-c")
        #expect(try await waitFor("STUDIO-EXITED-0"), "a second Ctrl-C quits")
        #expect(try await !screen().contains("PGKit Studio"), "and restores the terminal")
        try await locker.executeScript("ROLLBACK")
        await locker.close()
    }
}
