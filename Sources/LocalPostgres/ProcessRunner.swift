import Foundation

/// Runs the PostgreSQL programs, as the `postgres` OS user when this process is root.
///
/// Programs run through `posix_spawn` and `waitpid` on a thread of their own: the server that
/// `pg_ctl` starts inherits descriptors and outlives the call, which rules out pipes, and the
/// waits must not block Swift's cooperative pool.
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

    private static func spawnAndWait(_ arguments: [String]) throws -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        // Children start with no blocked signals and default handlers: a daemon they start
        // (PgBouncer, a postmaster) must be stoppable with SIGTERM whatever this process blocks.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else {
            throw LocalClusterError.commandFailed(command: arguments[0], output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }
}
