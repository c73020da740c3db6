import Foundation

/// Runs the PostgreSQL programs, as the `postgres` OS user when this process is root.
///
/// Programs run through `ChildProcess` on a thread of their own: the server that `pg_ctl`
/// starts inherits descriptors and outlives the call, which rules out pipes, and the waits must
/// not block Swift's cooperative pool. When switching users they run from `/`, not from the
/// caller's directory, which the server's user may not be allowed to enter (the programs would
/// say "could not change directory" before doing their work).
struct ProcessRunner: Sendable {
    /// The user to switch to, or nil to run as ourselves.
    let user: String?

    static func forPostgres() throws -> ProcessRunner {
        guard geteuid() == 0 else { return ProcessRunner(user: nil) }
        guard getpwnam("postgres") != nil else { throw LocalClusterError.noUnprivilegedUser }
        return ProcessRunner(user: "postgres")
    }

    /// Makes `url` owned by the server's user (when switching users) so it can write there.
    func giveOwnership(of url: URL) throws {
        guard let user, let account = getpwnam(user) else { return }
        if chown(url.path, account.pointee.pw_uid, account.pointee.pw_gid) != 0 {
            throw LocalClusterError.commandFailed(command: "chown \(url.path)", output: String(cString: strerror(errno)))
        }
    }

    /// Whether the server's user may enter `url` (search permission on it and on every
    /// directory above it). Always true when no user switch happens.
    func canEnter(_ url: URL) async -> Bool {
        guard user != nil else { return true }
        return (try? await outcome(of: "/usr/bin/test", ["-x", url.path]))?.status == 0
    }

    /// Runs `program` to completion; throws with its output when it fails.
    func run(_ program: String, _ arguments: [String]) async throws {
        let name = URL(fileURLWithPath: program).lastPathComponent
        let result = try await outcome(of: program, arguments)
        guard result.status == 0 else {
            throw LocalClusterError.commandFailed(command: name, output: result.output)
        }
    }

    private func outcome(of program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let argv = commandLine(program, arguments)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.spawnAndWait(argv) })
            }
        }
    }

    /// Runs `program` to completion on the calling thread; returns its exit status.
    func runSynchronously(_ program: String, _ arguments: [String]) throws -> Int32 {
        try Self.spawnAndWait(commandLine(program, arguments)).0
    }

    /// `program` with its arguments, through `runuser` and from `/` when switching users.
    private func commandLine(_ program: String, _ arguments: [String]) -> [String] {
        (user.map { ["/usr/sbin/runuser", "-u", $0, "--", "/usr/bin/env", "-C", "/", program] } ?? [program]) + arguments
    }

    private static func spawnAndWait(_ arguments: [String]) throws -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(arguments, standardOutput: outputPath)
        } catch {
            throw LocalClusterError.commandFailed(command: arguments[0], output: "\(error)")
        }
        let status = ChildProcess.waitForExit(pid)
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
