// pgkit-fault-probe: runs statements from inside a network namespace for the partition tests.
//
//   pgkit-fault-probe GO_FILE LABEL=URL [LABEL=URL ...]
//
// Opens one connection per URL and runs `SELECT 1` on each (so it is prepared), prints
// `ready`, waits until GO_FILE exists (the test cuts the network first), then runs `SELECT 1`
// on every connection at once and prints one JSON line per connection:
//   {"label": "...", "outcome": "ok" | "<PGError kind>", "seconds": 7.52, "message": "..."}
//
//   pgkit-fault-probe stream URL ROWS
//
// Streams ROWS rows of 100 bytes through `PGConnection.stream` and prints the process's peak
// resident memory before and after, in kB: {"rows": ..., "baseline_kb": ..., "peak_kb": ...}
// (the tests that streaming stays in bounded memory run it in a process of its own).
//
//   pgkit-fault-probe spin URL STATEMENTS SLEEP_MS [busy]
//
// Runs STATEMENTS statements one after another on the connection's own thread (point selects,
// or `pg_sleep` of SLEEP_MS when not 0) and prints how often that thread slept (voluntary
// context switches) and the CPU time it used meanwhile: {"statements": ..., "sleeps": ...,
// "cpu_ms": ...}. With `busy`, another connection of the process runs `pg_sleep(30)` all
// along, so no statement waits for its reply alone.
//
//   pgkit-fault-probe spin-cancel URL
//
// On the connection's own thread, with the longest reply watch (reply_spin=1s), a 5 s
// `pg_sleep` whose task is cancelled after 300 ms, then one that `query_timeout=500ms` stops,
// then a point select: {"cancelled": "<outcome>", "cancelled_seconds": ..., "timed_out": ...,
// "timed_out_seconds": ..., "after": 42}.
//
//   pgkit-fault-probe pool-alone URL STATEMENTS
//
// One task runs STATEMENTS statements one after another through a pool of one connection
// (point selects, every tenth dividing by zero, then ten 1.2 MB values), then, three times, has its
// backend terminated while the connection is idle and runs one more: {"statements": ..., "switches":
// <the process's voluntary context switches over the point selects>, "wrong": <answers not its
// own>, "errors_right": <divisions by zero reported as such>, "large_right": ..., "replaced":
// "ok" or how the statement after the termination failed}.
//
//   pgkit-fault-probe copy-cut GO_FILE URL
//
// Holds key 1 of a new table in an open transaction on one connection and starts a COPY of
// 20 MB whose first row has that key on another (the defaults), so the server stops reading
// and its window closes; prints `ready` once its backend waits for the lock, waits until
// GO_FILE exists (the test cuts the network), and prints how the COPY ended, counted from then:
//   {"outcome": "connectionLost", "seconds": 15.3, "message": "..."}
import Foundation
import PGKit

@main
enum FaultProbe {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "stream", arguments.count == 3, let rows = Int(arguments.dropFirst(2).first!) {
            await stream(url: arguments.dropFirst().first!, rows: rows)
        }
        if arguments.first == "spin", arguments.count >= 4, let statements = Int(arguments.dropFirst(2).first!),
           let sleep = Int(arguments.dropFirst(3).first!) {
            await spin(url: arguments.dropFirst().first!, statements: statements, sleepMilliseconds: sleep, busy: arguments.last == "busy")
        }
        if arguments.first == "spin-cancel", arguments.count == 2 {
            await spinCancel(url: arguments.dropFirst().first!)
        }
        if arguments.first == "pool-alone", arguments.count == 3, let statements = Int(arguments.last!) {
            await poolAlone(url: arguments.dropFirst().first!, statements: statements)
        }
        if arguments.first == "copy-cut", arguments.count == 3 {
            await copyCut(goFile: arguments.dropFirst().first!, url: arguments.last!)
        }
        guard let goFile = arguments.first, arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: pgkit-fault-probe GO_FILE LABEL=URL...\n".utf8))
            exit(2)
        }
        var connections: [(String, PGConnection)] = []
        do {
            for pair in arguments.dropFirst() {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let connection = try await PGConnection.connect(try PGConfig(parts[1]))
                _ = try await connection.query("SELECT 1")
                connections.append((parts[0], connection))
            }
        } catch {
            print("setup failed: \(error)")
            exit(1)
        }
        emit("ready")
        while !FileManager.default.fileExists(atPath: goFile) { try? await Task.sleep(for: .milliseconds(20)) }
        await withTaskGroup(of: String.self) { group in
            for (label, connection) in connections {
                group.addTask {
                    let started = ContinuousClock.now
                    var outcome = "ok", message = ""
                    do {
                        _ = try await connection.query("SELECT 1")
                    } catch let error as PGError {
                        outcome = "\(error.kind)"
                        message = error.message
                    } catch {
                        outcome = "other"
                        message = "\(error)"
                    }
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    let line: [String: Any] = ["label": label, "outcome": outcome, "seconds": seconds, "message": message]
                    let data = try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
                    return String(decoding: data, as: UTF8.self)
                }
            }
            for await line in group { emit(line) }
        }
        exit(0)
    }

    /// The `spin` mode: how often the connection thread slept, and the CPU time it used,
    /// during a run of statements.
    static func spin(url: String, statements: Int, sleepMilliseconds: Int, busy: Bool) async -> Never {
        do {
            let config = try PGConfig(url)
            let connection = try await PGConnection.connect(config)
            _ = try await connection.query("SELECT 1 WHERE 1 = \(1)")
            var sleeper: Task<Void, Never>?
            if busy {
                let other = try await PGConnection.connect(config)
                sleeper = Task { _ = try? await other.query("SELECT pg_sleep(30)") }
                try await Task.sleep(for: .milliseconds(500))
            }
            let seconds = Double(sleepMilliseconds) / 1000
            let (sleeps, cpu) = try await connection.withConnectionThread {
                let before = (voluntarySwitches(), threadCPUMilliseconds())
                for step in 0..<statements {
                    if sleepMilliseconds > 0 {
                        try await connection.execute("SELECT pg_sleep(\(seconds))")
                    } else {
                        let value = try await connection.query("SELECT \(Int64(step)) WHERE 1 = \(1)").scalar(Int64.self)
                        precondition(value == Int64(step))
                    }
                }
                return (voluntarySwitches() - before.0, threadCPUMilliseconds() - before.1)
            }
            sleeper?.cancel()
            emit("{\"statements\": \(statements), \"sleeps\": \(sleeps), \"cpu_ms\": \(Int(cpu))}")
            exit(0)
        } catch {
            emit("spin failed: \(error)")
            exit(1)
        }
    }

    /// The `spin-cancel` mode: a cancel and a query timeout reach a statement whose reply is
    /// being watched for.
    static func spinCancel(url: String) async -> Never {
        func outcome(_ body: @escaping @Sendable () async throws -> Void) async -> (String, Double) {
            let started = ContinuousClock.now
            var kind = "ok"
            do { try await body() } catch let error as PGError {
                kind = error.sqlState.map { "\(error.kind) \($0.rawValue)" } ?? "\(error.kind)"
            } catch {
                kind = "other: \(error)"
            }
            let elapsed = ContinuousClock.now - started
            return (kind, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        do {
            let separator = url.contains("?") ? "&" : "?"
            let connection = try await PGConnection.connect(try PGConfig(url + separator + "reply_spin=1000ms&query_timeout=off"))
            let limited = try await PGConnection.connect(try PGConfig(url + separator + "reply_spin=1000ms&query_timeout=500ms"))
            _ = try await connection.query("SELECT pg_sleep(\(0.0))")
            _ = try await limited.query("SELECT pg_sleep(\(0.0))")
            // Cancelled from another thread while the connection's thread watches for the reply.
            let cancelled = await outcome {
                let statement = Task {
                    try await connection.withConnectionThread { _ = try await connection.query("SELECT pg_sleep(\(5.0))") }
                }
                try await Task.sleep(for: .milliseconds(300))
                statement.cancel()
                try await statement.value
            }
            let timedOut = await outcome {
                try await limited.withConnectionThread { _ = try await limited.query("SELECT pg_sleep(\(5.0))") }
            }
            let after = try await connection.withConnectionThread { try await connection.query("SELECT 42").scalar(Int.self) ?? 0 }
            emit("{\"cancelled\": \"\(cancelled.0)\", \"cancelled_seconds\": \(cancelled.1), \"timed_out\": \"\(timedOut.0)\", \"timed_out_seconds\": \(timedOut.1), \"after\": \(after)}")
            exit(0)
        } catch {
            emit("spin-cancel failed: \(error)")
            exit(1)
        }
    }

    /// The `pool-alone` mode: a task alone in its process reads its statements' quick replies
    /// itself; each answer is its own; the idle connection is still watched.
    static func poolAlone(url: String, statements: Int) async -> Never {
        // Off the main actor, as a server's request handlers run.
        let outcome = await Task.detached { () async -> String in
            do {
                let pool = PGPool(config: try PGConfig(url), configuration: .init(maxConnections: 1))
                for _ in 0..<3 {
                    _ = try await pool.query("SELECT \(Int64(0))::int8 + 1, 1 / \(Int64(1))::int8")
                    _ = try await pool.query("SELECT pg_backend_pid()")
                }
                var wrong = 0, errorsRight = 0
                let before = processVoluntarySwitches()
                for step in 0..<statements {
                    let divisor = Int64(step % 10 == 9 ? 0 : 1)
                    do {
                        let (sum, quotient) = try await pool.query("SELECT \(Int64(step))::int8 + 1, 1 / \(divisor)::int8").first!.decode((Int64, Int64).self)
                        if sum != Int64(step) + 1 || quotient != 1 || divisor == 0 { wrong += 1 }
                    } catch let error as PGError where error.sqlState?.rawValue == "22012" && divisor == 0 {
                        errorsRight += 1
                    }
                }
                let switches = processVoluntarySwitches() - before
                var largeRight = 0
                for step in 0..<10 {
                    let value = try await pool.query("SELECT repeat('ab', 600000) || \(Int64(step))::text").scalar(String.self)
                    if value == String(repeating: "ab", count: 600_000) + "\(step)" { largeRight += 1 }
                }
                // Terminated while idle: the pool must notice before it lends the connection.
                // Three times: a few quick ones in a row first (the connection's thread then
                // usually sleeps without watching the socket, the task reading each reply, and
                // asking costs a peek), then the backend is terminated while idle.
                var replaced = "ok"
                for _ in 0..<3 where replaced == "ok" {
                    for step in 0..<5 { _ = try await pool.query("SELECT \(Int64(step))::int8 + 1, 1 / \(Int64(1))::int8") }
                    let pid = try await pool.query("SELECT pg_backend_pid()").scalar(Int32.self)!
                    for step in 0..<5 { _ = try await pool.query("SELECT \(Int64(step))::int8 + 1, 1 / \(Int64(1))::int8") }
                    let admin = try await PGConnection.connect(try PGConfig(url))
                    _ = try await admin.query("SELECT pg_terminate_backend(\(pid))")
                    for _ in 0..<250 where try await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").count > 0 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try await Task.sleep(for: .milliseconds(100))
                    await admin.close()
                    do {
                        let next = try await pool.query("SELECT pg_backend_pid()").scalar(Int32.self)!
                        if next == pid { replaced = "same backend" }
                    } catch let error as PGError {
                        replaced = "\(error.kind): \(error.message)"
                    }
                }
                await pool.shutdown()
                return "{\"statements\": \(statements), \"switches\": \(switches), \"wrong\": \(wrong), \"errors_right\": \(errorsRight), \"large_right\": \(largeRight), \"replaced\": \"\(replaced.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " "))\"}"
            } catch {
                return "pool-alone failed: \(error)"
            }
        }.value
        emit(outcome)
        exit(outcome.hasPrefix("{") ? 0 : 1)
    }

    /// The process's voluntary context switches so far (every thread's, as getrusage counts).
    static func processVoluntarySwitches() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_nvcsw
    }

    /// This thread's voluntary context switches so far (each time it slept).
    static func voluntarySwitches() -> Int {
        let status = (try? String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("voluntary_ctxt_switches:") }
        return line.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? -1
    }

    /// The CPU time this thread used so far.
    static func threadCPUMilliseconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1_000_000
    }

    /// The `stream` mode: every row consumed, the peak memory reported.
    static func stream(url: String, rows: Int) async -> Never {
        do {
            let connection = try await PGConnection.connect(try PGConfig(url))
            _ = try await connection.query("SELECT repeat('x', 100)")
            let baseline = peakKilobytes()
            var seen = 0
            var bytes = 0
            for try await row in connection.stream("SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, \(Int64(rows))) g") {
                let (_, text) = try row.decode((Int64, String).self)
                seen += 1
                bytes += text.utf8.count
            }
            let line: [String: Any] = ["rows": seen, "bytes": bytes, "baseline_kb": baseline, "peak_kb": peakKilobytes()]
            emit(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            await connection.close()
            exit(0)
        } catch {
            emit("stream failed: \(error)")
            exit(1)
        }
    }

    /// `VmHWM` from /proc/self/status: the most resident memory the process has had, in kB.
    static func peakKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// Writes a line to standard output at once (the test reads it while the probe runs).
    /// The `copy-cut` mode: a COPY whose server stopped reading (its window closed, probes
    /// answered) when the path to that server is cut.
    static func copyCut(goFile: String, url: String) async -> Never {
        do {
            let config = try PGConfig(url)
            let holder = try await PGConnection.connect(config)
            try await holder.executeScript("DROP TABLE IF EXISTS copy_cut; CREATE TABLE copy_cut (id int8 PRIMARY KEY, pad text)")
            try await holder.executeScript("BEGIN; INSERT INTO copy_cut VALUES (1, 'held')")
            let copier = try await PGConnection.connect(config)
            let pid = Int(copier.backendPID)
            let pad = String(repeating: "p", count: 1000)
            let rows: [[any PGEncodable]] = (1...20_000).map { [Int64($0), pad] }
            let copy = Task { () -> (String, String) in
                do {
                    return ("ok \(try await copier.copyIn(table: "copy_cut", columns: ["id", "pad"], rows: rows))", "")
                } catch let error as PGError {
                    return ("\(error.kind)", error.message)
                } catch {
                    return ("other", "\(error)")
                }
            }
            let watcher = try await PGConnection.connect(config)
            let waitStarted = ContinuousClock.now
            while try await watcher.query("SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = \(pid)").scalar(Bool.self) != true {
                if ContinuousClock.now - waitStarted > .seconds(20) {
                    emit("copy-cut failed: the COPY did not wait for the lock: \(await copy.value)")
                    exit(1)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Long enough for both sockets' buffers to fill and the window to close.
            try await Task.sleep(for: .seconds(2))
            emit("ready")
            while !FileManager.default.fileExists(atPath: goFile) { try? await Task.sleep(for: .milliseconds(20)) }
            let started = ContinuousClock.now
            let (outcome, message) = await copy.value
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let line: [String: Any] = ["outcome": outcome, "seconds": seconds, "message": message]
            emit(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            exit(0)
        } catch {
            emit("copy-cut failed: \(error)")
            exit(1)
        }
    }

    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
