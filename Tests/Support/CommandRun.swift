import Foundation
import LocalPostgres

/// Runs a program to completion and captures its output and exit code, for tests of `dbctl`.
///
/// Uses `ChildProcess` (posix_spawn and waitpid) on a thread of its own. Standard input is /dev/null, so the
/// program sees no terminal, and it runs in a new empty directory (or one the test prepared),
/// never in the package (where `dbctl setup` would regenerate the package's own models, and
/// `.env` would be read).
public struct CommandRun: Sendable {
    public let status: Int32
    public let output: String
    public let errorOutput: String
    /// The program's peak resident memory in kilobytes: the highest `VmHWM` read from
    /// `/proc/<pid>/status` while it ran (every 10 ms). Not wait4's `ru_maxrss`: a child
    /// started with posix_spawn (vfork) inherits the test process's own high-water mark at exec.
    public let peakMemoryKilobytes: Int

    /// The `dbctl` binary built next to the test bundle.
    public static var dbctlPath: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dbctl").path
    }

    /// Runs dbctl in a new empty directory, or in `directory` (which is kept afterwards).
    public static func dbctl(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) async throws -> CommandRun {
        try await run(dbctlPath, arguments, environment: environment, in: directory)
    }

    public static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) async throws -> CommandRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try start(program, arguments, environment: environment, in: directory).waitSynchronously() })
            }
        }
    }

    /// A program started in the background: signal it, then wait for it.
    public struct Running: Sendable {
        public let pid: pid_t
        let outPath: String
        let errPath: String
        let workingDirectory: String
        let removesWorkingDirectory: Bool

        public func signal(_ number: Int32) { kill(pid, number) }

        /// What the program has written to standard output so far.
        public func currentOutput() -> String {
            (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        }

        /// What the program has written to standard error so far.
        public func currentErrorOutput() -> String {
            (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        }

        public func wait() async throws -> CommandRun {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: waitSynchronously()) }
            }
        }

        /// Blocks the calling thread (never a cooperative one) until the program exits.
        func waitSynchronously() -> CommandRun {
            var status: Int32 = 0
            var peak = 0
            while true {
                peak = max(peak, Self.highWaterMark(pid))
                let waited = waitpid(pid, &status, WNOHANG)
                if waited == pid || (waited < 0 && errno != EINTR) { break }
                usleep(10_000)
            }
            let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            defer {
                unlink(outPath); unlink(errPath)
                if removesWorkingDirectory { try? FileManager.default.removeItem(atPath: workingDirectory) }
            }
            return CommandRun(status: exitCode,
                              output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                              errorOutput: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                              peakMemoryKilobytes: peak)
        }

        /// `VmHWM` of a running process in kilobytes; 0 once it has exited.
        static func highWaterMark(_ pid: pid_t) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") ?? 0
        }
    }

    /// Starts `program` without waiting for it.
    public static func startProgram(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        try start(program, arguments, environment: environment)
    }

    /// Starts `dbctl` without waiting for it.
    public static func startDBCtl(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        try start(dbctlPath, arguments, environment: environment)
    }

    private static func start(_ program: String, _ arguments: [String], environment: [String: String], in directory: URL? = nil) throws -> Running {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString)").path
        let outPath = base + ".out", errPath = base + ".err"
        let workingDirectory = directory?.path ?? base + ".cwd"
        try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
        var merged = ProcessInfo.processInfo.environment
        merged["DATABASE_URL"] = nil
        merged["NO_COLOR"] = "1"
        for (key, value) in environment { merged[key] = value }
        // exec replaces the shell, so the pid is the program's own (signals reach it directly).
        let shellArguments = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", workingDirectory, program] + arguments
        let pid = try ChildProcess.spawn(shellArguments, environment: merged, standardOutput: outPath, standardError: errPath)
        return Running(pid: pid, outPath: outPath, errPath: errPath, workingDirectory: workingDirectory, removesWorkingDirectory: directory == nil)
    }
}
