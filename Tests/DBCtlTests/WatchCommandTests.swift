import Foundation
import PGKit
import PGKitTestSupport
import Synchronization
import Testing

/// `dbctl watch` through the real binary: lines for committed changes of the tables asked for,
/// and, with a persistent slot, a watcher killed with SIGKILL while a writer commits, started
/// again: nothing lost, in order, and only transactions after the last acknowledgement the
/// server received printed twice.
@Suite struct WatchCommandTests {
    struct Line: Decodable {
        let operation: String
        let table: String
        let new: [String: String?]?
        let old: [String: String?]?
        let xid: UInt32
        let commitLsn: String
    }

    static func lines(_ output: String) -> [Line] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return output.split(separator: "\n").compactMap { try? decoder.decode(Line.self, from: Data($0.utf8)) }
    }

    /// Waits until `done` holds for the output so far (loose bound: CI runs everything at once).
    static func waitForOutput(_ running: CommandRun.Running, within limit: Duration = .seconds(60), _ done: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let output = running.currentOutput()
            if done(output) { return output }
            try await Task.sleep(for: .milliseconds(50))
        }
        return running.currentOutput()
    }

    /// dbctl has its slot (it says "Watching" once the slot exists): what commits from now on
    /// is in its stream. Creating a logical slot waits for every transaction running in the
    /// cluster (other suites' included) to end, and what commits meanwhile is not in the
    /// stream: a loose bound, and nothing written before.
    static func waitUntilWatching(_ running: CommandRun.Running) async throws {
        let deadline = ContinuousClock.now + .seconds(150)
        while ContinuousClock.now < deadline {
            if running.currentErrorOutput().contains("Watching ") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("dbctl watch never started: \(running.currentErrorOutput())")
    }

    @Test func watchPrintsCommittedChangesOfTheTablesAskedFor() async throws {
        let config = try await TestDatabase.create("dbctl_watch_lines")
        let conn = try await PGConnection.connect(config)
        try await conn.executeScript("CREATE TABLE notes (id int PRIMARY KEY, body text); CREATE TABLE other (id int)")
        let text = try CommandRun.startDBCtl(["watch", "notes", "--database-url", config.url])
        let json = try CommandRun.startDBCtl(["watch", "notes", "--json", "--database-url", config.url])
        try await Self.waitUntilWatching(text)
        try await Self.waitUntilWatching(json)
        try await conn.execute("INSERT INTO notes VALUES (1, \("hello \u{1B}[2J world"))")
        try await conn.execute("INSERT INTO other VALUES (1)")
        _ = try? await conn.transaction { tx in
            try await tx.execute("INSERT INTO notes VALUES (2, 'rolled back')")
            throw CancellationError()
        }
        try await conn.execute("UPDATE notes SET body = 'edited' WHERE id = 1")
        try await conn.execute("DELETE FROM notes WHERE id = 1")
        let textOutput = try await Self.waitForOutput(text) { $0.contains("delete ") }
        let jsonOutput = try await Self.waitForOutput(json) { Self.lines($0).count >= 3 }
        let textErrors = text.currentErrorOutput(), jsonErrors = json.currentErrorOutput()
        text.signal(SIGINT)
        json.signal(SIGINT)
        #expect(try await text.wait().status == 0, "Ctrl-C ends it cleanly")
        _ = try await json.wait()
        #expect(textOutput.split(separator: "\n").map(String.init) == [
            "insert notes id='1' body='hello ␛[2J world'", "update notes id='1' body='edited'", "delete notes id='1'",
        ], "standard error: \(textErrors)")
        let lines = Self.lines(jsonOutput)
        #expect(lines.map(\.operation) == ["insert", "update", "delete"], "output: \(jsonOutput) standard error: \(jsonErrors)")
        #expect(lines.allSatisfy { $0.table == "notes" })
        #expect(lines.first?.new?["body"] == .some("hello \u{1B}[2J world"))
        #expect(lines.last?.old?["id"] == .some("1"))
        #expect(!jsonOutput.contains("rolled back") && !textOutput.contains("rolled back"))
        // The temporary slots went with their connections.
        for _ in 0..<100 {
            if try await conn.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'dbctl_watch_%' AND database = current_database()").scalar(Int.self) == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await conn.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'dbctl_watch_%' AND database = current_database()").scalar(Int.self) == 0)
        await conn.close()
    }

    @Test func aWatcherKilledMidStreamResumesWithoutLossAndRepeatsOnlyWhatWasNotAcknowledged() async throws {
        let config = try await TestDatabase.create("dbctl_watch_resume")
        let conn = try await PGConnection.connect(config)
        try await conn.executeScript("CREATE TABLE events (id int PRIMARY KEY)")
        try await conn.executeScript("CREATE PUBLICATION events_pub FOR TABLE events")
        let slot = "pgkit_test_watch_\(UInt32.random(in: 0...UInt32.max))"
        let arguments = ["watch", "--json", "--slot", slot, "--publication", "events_pub", "--database-url", config.url]
        let total = 400
        let first = try CommandRun.startDBCtl(arguments)
        try await Self.waitUntilWatching(first)
        // The second half is written only once the first watcher is dead, so that it is killed
        // mid-stream however fast it keeps up: a watcher that had printed and acknowledged all
        // 400 before the kill left its successor nothing to print (seen once under full load).
        let killed = KillSignal()
        let writer = Task {
            let writerConn = try await PGConnection.connect(config)
            for id in 1...total {
                if id == total / 2 + 1 {
                    while !killed.isSet { try await Task.sleep(for: .milliseconds(10)) }
                }
                try await writerConn.execute("INSERT INTO events VALUES (\(Int32(id)))")
                if id % 50 == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            await writerConn.close()
        }
        _ = try await Self.waitForOutput(first) { Self.lines($0).count >= total / 3 }
        first.signal(SIGKILL)
        // Read what it printed once it is dead and before it is reaped (wait() removes the file).
        for _ in 0..<200 {
            let stat = (try? String(contentsOfFile: "/proc/\(first.pid)/stat", encoding: .utf8)) ?? ""
            if stat.isEmpty || stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") == true { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let printedBeforeKill = Self.lines(first.currentOutput())
        _ = try await first.wait()
        killed.set()
        // What the server holds as acknowledged once the killed watcher's walsender is gone.
        var confirmed: PGLSN?
        for _ in 0..<200 {
            let row = try await conn.query("SELECT active, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = \(slot)").first
            if let row, try row.decode(Bool.self, at: 0) == false {
                confirmed = try row.decode(String?.self, at: 1).flatMap(PGLSN.init)
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let acknowledged = try #require(confirmed)
        let second = try CommandRun.startDBCtl(arguments)
        try await writer.value
        // As long as the first watcher's start may take on a machine running every suite: the
        // restarted watcher connects and replays from its slot while the other suites load it.
        let secondOutput = try await Self.waitForOutput(second, within: .seconds(150)) { Self.lines($0).last?.new?["id"] == .some(String(total)) }
        let secondErrors = second.currentErrorOutput()
        second.signal(SIGINT)
        _ = try await second.wait()
        try await PGChangeStream.dropSlot(slot, on: conn)
        await conn.close()

        func ids(_ lines: [Line]) -> [Int] { lines.compactMap { $0.new?["id"].flatMap { $0 }.flatMap { Int($0) } } }
        let before = ids(printedBeforeKill), after = ids(Self.lines(secondOutput))
        #expect(before == Array(1...(before.last ?? 0)), "in order, from the first")
        let resumedAt = try #require(after.first, "the restarted watcher printed no change; its errors: \(secondErrors)")
        #expect(after == Array(resumedAt...total), "in order after the restart, to the last commit")
        #expect(resumedAt <= (before.last ?? 0) + 1, "nothing lost across the kill")
        // Printed twice: only transactions the server had not received an acknowledgement for.
        let repeated = Self.lines(secondOutput).filter { line in before.contains(line.new?["id"].flatMap { $0 }.flatMap { Int($0) } ?? -1) }
        #expect(repeated.allSatisfy { PGLSN($0.commitLsn)! >= acknowledged }, "nothing acknowledged is printed again")
        let duplicates = repeated.count
        print("dbctl watch resume: \(before.count) printed before SIGKILL, \(duplicates) printed again after the restart")
    }

    /// A watcher whose output nobody reads (its pipe full, as behind a slow `| consumer`) holds
    /// its slot back while the server writes on: it warns on standard error once the slot is
    /// past --warn-lag, and says so when it has caught up after the output is read again.
    @Test func aWatcherBehindItsServerWarnsThatTheSlotLagsAndWhenItCaughtUp() async throws {
        let config = try await TestDatabase.create("dbctl_watch_lag")
        let conn = try await PGConnection.connect(config)
        try await conn.executeScript("CREATE TABLE lagging (id int PRIMARY KEY, body text)")
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("watch-lag-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRun.dbctlPath)
        process.arguments = ["watch", "lagging", "--warn-lag", "1MB", "--database-url", config.url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        func errorOutput() -> String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
        func waitForErrors(_ text: String, within limit: Duration = .seconds(60)) async throws -> Bool {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if errorOutput().contains(text) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await waitForErrors("Watching ", within: .seconds(150)))
        // About 8 MB of WAL in transactions of 500 rows; the pipe (64 kB) holds a few hundred lines.
        for batch in 0..<16 {
            try await conn.execute("INSERT INTO lagging SELECT g, repeat('x', 1000) FROM generate_series(\(Int32(batch * 500)), \(Int32(batch * 500 + 499))) g")
        }
        let warned = try await waitForErrors("warning: slot dbctl_watch_")
        #expect(warned, "standard error: \(errorOutput())")
        #expect(errorOutput().contains("behind the server's WAL (--warn-lag 1MB)"))
        // Read the output again: the watcher catches up and says so.
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        let caughtUp = try await waitForErrors("caught up")
        #expect(caughtUp, "standard error: \(errorOutput())")
        process.interrupt()
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        output.fileHandleForReading.readabilityHandler = nil
        #expect(!process.isRunning && process.terminationStatus == 0)
        await conn.close()
    }
}

/// Set once, read from another task: the first watcher is dead.
final class KillSignal: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
