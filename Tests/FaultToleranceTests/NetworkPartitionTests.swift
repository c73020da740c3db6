import Foundation
import LocalPostgres
import PGKit
import PGKitTestSupport
import Testing

/// A silent network partition: the server in one network namespace, the client in another,
/// routed through a third whose links drop every packet (`scripts/netns-partition`). Both
/// processes stay alive and nothing tells either side's TCP; only time limits can end a wait.
/// Needs root (network namespaces); skipped otherwise.
@Suite(.serialized, .enabled(if: NetworkNamespaces.available, "needs root and iproute2 for network namespaces"))
struct NetworkPartitionTests {
    static let script = ProjectPaths.root.appendingPathComponent("scripts/netns-partition").path
    static var probe: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pgkit-fault-probe").path
    }

    /// What a probe run across a cut printed, and how it exited.
    struct ProbeRun {
        let url: String
        let status: Int32
        let output: String
    }

    /// Builds a partition topology, runs the probe (`arguments(goFile, url)`) in its client
    /// namespace until it prints `ready` (at most `readyWithin`), cuts the path, lets the probe
    /// go on, waits for it to exit, heals and tears everything down.
    static func runProbeAcrossACut(readyWithin: Duration, _ arguments: (_ goFile: String, _ url: String) -> [String]) async throws -> ProbeRun {
        let name = "pgk\(UInt16.random(in: 1000...9999))"
        let dataDirectory = "/tmp/pgkit-partition-\(name)"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-partition-run-\(name)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer {
            _ = try? Self.run([Self.script, "down", name, dataDirectory])
            try? FileManager.default.removeItem(atPath: dataDirectory)
            try? FileManager.default.removeItem(at: work)
        }
        let url = try await Self.runOffThePool([Self.script, "up", name, dataDirectory]).trimmingCharacters(in: .whitespacesAndNewlines)
        let goFile = work.appendingPathComponent("go").path
        let output = work.appendingPathComponent("probe.out").path
        let pid = try ChildProcess.spawn([Self.script, "exec", name, Self.probe] + arguments(goFile, url),
                                         standardOutput: output, standardError: work.appendingPathComponent("probe.err").path)
        try await Self.waitFor(output, toContain: "ready", within: readyWithin)
        _ = try await Self.runOffThePool([Self.script, "cut", name])
        _ = FileManager.default.createFile(atPath: goFile, contents: nil)
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: ChildProcess.waitForExit(pid)) }
        }
        _ = try? Self.run([Self.script, "heal", name])
        return ProbeRun(url: url, status: status, output: try String(contentsOfFile: output, encoding: .utf8))
    }

    @Test func statementsSentIntoACutPathEndWithinTheirTimeouts() async throws {
        // One connection with a 5 s query timeout; one with the defaults (5 minutes, and the
        // 15 s peer silence timeout: nothing sent is acknowledged).
        let run = try await Self.runProbeAcrossACut(readyWithin: .seconds(30)) { goFile, url in
            [goFile, "limited=\(url)?query_timeout=5s", "defaults=\(url)"]
        }
        #expect(run.url.hasPrefix("postgresql://postgres@10.213."))
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").dropFirst()
        var results: [String: (outcome: String, seconds: Double)] = [:]
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            results[object["label"] as! String] = (object["outcome"] as! String, object["seconds"] as! Double)
        }
        print("partition: \(results)")
        let limited = try #require(results["limited"])
        #expect(limited.outcome == "timedOut")
        #expect(limited.seconds >= 5 && limited.seconds < 5 + 2.5 + 3.5, "query_timeout=5s ended after \(limited.seconds) s")
        let defaults = try #require(results["defaults"])
        #expect(defaults.outcome == "connectionLost")
        #expect(defaults.seconds < 15 + 5, "with the default timeouts the send failed after \(defaults.seconds) s")
    }

    @Test func aCopyWhoseServerStoppedReadingEndsAfterThePeerSilenceTimeoutWhenThePathIsCut() async throws {
        // The COPY waits for a lock with its window closed (probes answered), then nothing
        // answers at all: only the unanswered probes tell that the server is gone.
        let run = try await Self.runProbeAcrossACut(readyWithin: .seconds(60)) { goFile, url in ["copy-cut", goFile, url] }
        #expect(run.status == 0)
        let line = try #require(run.output.split(separator: "\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        print("copy cut: \(object)")
        #expect(object["outcome"] as? String == "connectionLost")
        let seconds = try #require(object["seconds"] as? Double)
        // The silence counts from the first unanswered window probe, which backs off (the
        // window had been closed for a few seconds): up to several seconds after the cut.
        #expect(seconds >= 14 && seconds < 15 + 10, "the COPY ended \(seconds) s after the cut")
        #expect((object["message"] as? String)?.contains("acknowledged nothing") == true)
    }

    /// `run` on a thread of its own: `up` takes seconds (initdb, a server start), and a test
    /// blocking one of Swift's few cooperative threads that long delays every other suite's tasks.
    @discardableResult
    static func runOffThePool(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try run(arguments) }) }
        }
    }

    /// Runs a command to completion and returns its standard output; throws on failure.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("netns-\(UUID().uuidString).out").path
        let err = out + ".err"
        defer { unlink(out); unlink(err) }
        let status = ChildProcess.waitForExit(try ChildProcess.spawn(arguments, standardOutput: out, standardError: err))
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw PGError(.protocolViolation, "\(arguments.joined(separator: " ")) exited \(status): \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        }
        return text
    }

    static func waitFor(_ path: String, toContain text: String, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let contents = try? String(contentsOfFile: path, encoding: .utf8), contents.contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PGError(.timedOut, "the probe did not get ready: \((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")")
    }
}

/// Whether this process can make network namespaces (root, with iproute2's `ip`).
enum NetworkNamespaces {
    static var available: Bool {
        geteuid() == 0 && ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
