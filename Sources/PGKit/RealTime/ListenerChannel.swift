import Synchronization

/// Hands a listener's events to its one consumer: a `ListenerBuffer` behind a lock, and the
/// consumer's continuation while it waits.
final class ListenerChannel: Sendable {
    private struct State {
        var buffer: ListenerBuffer
        var waiter: CheckedContinuation<PGListenerEvent?, any Error>?
        var isFinished = false
        var failure: PGError?
    }

    private let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(buffer: ListenerBuffer(capacity: capacity)))
    }

    /// Queues notifications (dropping what does not fit, see `ListenerBuffer`).
    func push(_ notifications: [PGNotification]) {
        guard !notifications.isEmpty else { return }
        deliver { buffer in for notification in notifications { buffer.push(notification) } }
    }

    /// Every notification dropped so far because the consumer was behind.
    var droppedInAll: Int { state.withLock { $0.buffer.droppedInAll } }

    /// Queues a gap.
    func push(gap: PGListenerGap) {
        deliver { $0.push(gap: gap) }
    }

    private func deliver(_ change: (inout ListenerBuffer) -> Void) {
        let handoff = state.withLock { state -> (CheckedContinuation<PGListenerEvent?, any Error>, PGListenerEvent)? in
            guard !state.isFinished else { return nil }
            change(&state.buffer)
            guard let waiter = state.waiter, let event = state.buffer.pop() else { return nil }
            state.waiter = nil
            return (waiter, event)
        }
        if let (waiter, event) = handoff { waiter.resume(returning: event) }
    }

    /// Ends the sequence after the queued events (with `error`, when given).
    func finish(error: PGError? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<PGListenerEvent?, any Error>? in
            guard !state.isFinished else { return nil }
            state.isFinished = true
            state.failure = error
            defer { state.waiter = nil }
            return state.buffer.isEmpty ? state.waiter : nil
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// Ends the sequence now, dropping what is queued (the consumer went away).
    func cancel() {
        let waiter = state.withLock { state -> CheckedContinuation<PGListenerEvent?, any Error>? in
            state.isFinished = true
            state.buffer = ListenerBuffer(capacity: state.buffer.capacity)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next event; nil at the end.
    func next() async throws -> PGListenerEvent? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PGListenerEvent?, any Error>) in
                enum Outcome { case event(PGListenerEvent), end, failure(PGError), wait }
                let outcome = state.withLock { state -> Outcome in
                    if let event = state.buffer.pop() { return .event(event) }
                    if state.isFinished {
                        defer { state.failure = nil }
                        return state.failure.map { .failure($0) } ?? .end
                    }
                    state.waiter = continuation
                    return .wait
                }
                switch outcome {
                case .event(let event): continuation.resume(returning: event)
                case .end: continuation.resume(returning: nil)
                case .failure(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            cancel()
        }
    }
}
