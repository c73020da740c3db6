import Foundation

/// Runs the PostgreSQL programs, as the `postgres` OS user when this process is root.
///
/// Programs run through `ChildProcess` on a thread of their own: the server that `pg_ctl`
/// starts inherits descriptors and outlives the call, which rules out pipes, and the waits must
/// not block Swift's cooperative pool.
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
        guard user != nil, let account = getpwnam("postgres") else { return }
        if chown(url.path, account.pointee.pw_uid, account.pointee.pw_gid) != 0 {
            throw LocalClusterError.commandFailed(command: "chown \(url.path)", output: String(cString: strerror(errno)))
        }
    }

    /// Runs `program` to completion; throws with its output when it fails.
    func run(_ program: String, _ arguments: [String]) async throws {
        let argv = user.map { ["/usr/sbin/runuser", "-u", $0, "--", program] } ?? [program]
        let name = URL(fileURLWithPath: program).lastPathComponent
        let result: (status: Int32, output: String) = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.spawnAndWait(argv + arguments) })
            }
        }
        guard result.status == 0 else {
            throw LocalClusterError.commandFailed(command: name, output: result.output)
        }
    }

    /// Runs `program` to completion on the calling thread; returns its exit status.
    func runSynchronously(_ program: String, _ arguments: [String]) throws -> Int32 {
        let argv = user.map { ["/usr/sbin/runuser", "-u", $0, "--", program] } ?? [program]
        return try Self.spawnAndWait(argv + arguments).0
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
