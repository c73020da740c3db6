import Synchronization

/// Work started for an effect, running in its own task while keys go on being read: its label
/// and start for the status line, the state to return to if it fails or is cancelled, and its
/// outcome once it ends.
final class RunningWork: Sendable {
    let label: String
    let started = ContinuousClock.now
    /// The state before the key that started it.
    let before: StudioState
    /// A live refresh of the open table (no key started it: a failure keeps the state).
    let isRefresh: Bool
    private let shared = Mutex<Shared>(Shared())

    private struct Shared {
        var task: Task<Void, Never>?
        var outcome: Result<StudioChange, any Error>?
        var cancelled = false
    }

    private init(label: String, before: StudioState, isRefresh: Bool) {
        self.label = label
        self.before = before
        self.isRefresh = isRefresh
    }

    static func start(_ label: String, before: StudioState, isRefresh: Bool = false,
                      _ body: @escaping @Sendable () async throws -> StudioChange) -> RunningWork {
        let running = RunningWork(label: label, before: before, isRefresh: isRefresh)
        let task = Task {
            let outcome: Result<StudioChange, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            running.shared.withLock { $0.outcome = outcome }
        }
        running.shared.withLock { $0.task = task }
        return running
    }

    /// Cancels the task, and with it the statement on the server.
    func cancel() {
        let task = shared.withLock { shared in
            shared.cancelled = true
            return shared.task
        }
        task?.cancel()
    }

    var isCancelled: Bool { shared.withLock { $0.cancelled } }

    /// The outcome, once the work has ended.
    var outcome: Result<StudioChange, any Error>? { shared.withLock { $0.outcome } }

    var elapsed: Duration { ContinuousClock.now - started }

    /// What the status line shows, once the work has run for `delay`.
    func activity(after delay: Duration = .milliseconds(300)) -> StudioActivity? {
        let elapsed = self.elapsed
        guard elapsed >= delay else { return nil }
        var tenths = Int(elapsed.components.seconds * 10) + Int(elapsed.components.attoseconds / 100_000_000_000_000_000)
        if tenths >= 100 { tenths -= tenths % 10 }  // whole seconds from 10 s on: one redraw a second
        return StudioActivity(label: label, elapsedTenths: tenths, isCancelling: isCancelled)
    }
}
