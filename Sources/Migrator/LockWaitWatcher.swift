import PGKit

/// Watches a migration statement while it runs, from a second connection: when it is still
/// running after a moment and waits for a lock, reports who holds it (``MigratorEvent``
/// `.waitingForStatementLock`) and remembers the last ``LockWait`` seen, for the message when
/// the lock timeout ends the wait. Statements that finish quickly cost nothing: the second
/// connection is opened the first time a statement runs longer than `firstLook`.
actor LockWaitWatcher {
    private let config: PGConfig
    private let onEvent: @Sendable (MigratorEvent) -> Void
    private var connection: PGConnection?
    /// The blockers last reported for the current migration: a retry waiting for the same
    /// sessions says so in its timeout line, not again in a waiting line.
    private var reported: [Int32]?
    /// How long a statement runs before the watcher first looks, and then how often.
    let firstLook: Duration
    let interval: Duration

    init(config: PGConfig, onEvent: @escaping @Sendable (MigratorEvent) -> Void,
         firstLook: Duration = .milliseconds(200), interval: Duration = .seconds(1)) {
        var config = config
        config.queryTimeout = .seconds(5)
        self.config = config
        self.onEvent = onEvent
        self.firstLook = firstLook
        self.interval = interval
    }

    /// Runs `body` (which runs a statement on the backend `pid`, at `file`:`line`) and watches
    /// it meanwhile. Returns how `body` ended and the last lock wait seen, if any.
    nonisolated func watching(pid: Int32, file: String, line: Int,
                              _ body: () async throws -> Void) async -> (result: Result<Void, any Error>, wait: LockWait?) {
        await withTaskGroup(of: LockWait?.self) { group in
            group.addTask { await self.watch(pid: pid, file: file, line: line) }
            let result: Result<Void, any Error>
            do {
                try await body()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            group.cancelAll()
            let seen = await group.next() ?? nil
            return (result, seen)
        }
    }

    /// Starts a new migration: its first wait is reported whoever blocks it.
    func beginMigration() { reported = nil }

    /// Closes the second connection, if one was opened.
    func close() async {
        await connection?.close()
        connection = nil
    }

    /// Looks at `pid`'s lock waits until cancelled; returns the last one seen.
    private func watch(pid: Int32, file: String, line: Int) async -> LockWait? {
        var last: LockWait?
        var delay = firstLook
        while true {
            do { try await Task.sleep(for: delay) } catch { return last }
            delay = interval
            guard let wait = try? await lockWait(of: pid), !Task.isCancelled else { continue }
            if wait.blockers.map(\.pid) != reported {
                onEvent(.waitingForStatementLock(file: file, line: line, wait))
                reported = wait.blockers.map(\.pid)
            }
            last = wait
        }
    }

    private func lockWait(of pid: Int32) async throws -> LockWait? {
        if connection == nil { connection = try await PGConnection.connect(config) }
        do {
            return try await LockWaitQuery.lockWait(of: pid, on: connection!)
        } catch let error as PGError where error.isConnectionError {
            connection = nil
            throw error
        }
    }
}
