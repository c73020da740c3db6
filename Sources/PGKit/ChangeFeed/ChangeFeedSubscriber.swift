import Synchronization

/// One subscriber of a `PGChangeFeed`: its filter, the transaction being collected for it, and
/// its bounded queue. The feed's task calls `begin`/`offer`/`truncate`/`commit`/`gap` in log
/// order; the consumer's task calls `next` or `poll`.
final class ChangeFeedSubscriber: Sendable {
    let id: UInt64
    let tables: Set<String>
    private let filter: @Sendable (PGRowChange) -> Bool
    private let state: Mutex<State>

    private struct State {
        var buffer: ChangeFeedBuffer
        /// The accepted changes of the transaction being read; nil when its begin was not seen.
        var collecting: [PGRowChange]?
        var overflow = 0
        var truncated: [String] = []
        var finished = false
        var failure: PGError?
        var waiter: CheckedContinuation<PGChangeFeedEvent?, any Error>?
        /// Transactions whose commit record is before this position are not delivered.
        var start: PGLSN
    }

    init(id: UInt64, tables: Set<String>, startAfter: PGLSN, capacity: Int, filter: @escaping @Sendable (PGRowChange) -> Bool) {
        self.id = id
        self.tables = tables
        self.filter = filter
        state = Mutex(State(buffer: ChangeFeedBuffer(capacity: capacity), start: startAfter))
    }

    // MARK: The feed's side

    func begin() {
        state.withLock { state in
            state.collecting = []
            state.overflow = 0
            state.truncated = []
        }
    }

    func offer(_ change: PGRowChange) {
        guard tables.contains(change.table), filter(change) else { return }
        state.withLock { state in
            guard state.collecting != nil else { return }
            if state.overflow == 0, state.collecting!.count < state.buffer.room {
                state.collecting!.append(change)
            } else {
                // Too large to queue: keep nothing of it, count it.
                state.overflow += state.collecting!.count + 1
                state.collecting!.removeAll()
            }
        }
    }

    func truncate(_ truncate: PGTruncate) {
        let names = truncate.relations.map(\.qualifiedName).filter(tables.contains)
        guard !names.isEmpty else { return }
        state.withLock { state in
            if state.collecting != nil { state.truncated += names }
        }
    }

    func commit(_ commit: PGTransactionCommit) {
        deliver { state in
            guard let collected = state.collecting else { return }
            state.collecting = nil
            defer { state.truncated = [] }
            guard commit.commitLSN >= state.start else { return }
            if state.overflow > 0 {
                state.buffer.drop(state.overflow)
            } else if !collected.isEmpty {
                state.buffer.push(PGCommittedTransaction(changes: collected, commit: commit))
            }
            if !state.truncated.isEmpty { state.buffer.push(gap: .truncated(tables: state.truncated)) }
        }
    }

    func gap(_ gap: PGChangeFeedGap) {
        deliver { state in
            state.collecting = nil
            state.buffer.push(gap: gap)
        }
    }

    /// Ends the subscription (after what is queued) with `error`, or normally.
    func finish(_ error: PGError?) {
        let waiter = state.withLock { state -> CheckedContinuation<PGChangeFeedEvent?, any Error>? in
            guard !state.finished else { return nil }
            state.finished = true
            state.failure = error
            guard state.buffer.isEmpty else { return nil }
            defer { state.waiter = nil; state.failure = nil }
            return state.waiter
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// Runs `change` on the state, then hands the next event to a waiting consumer.
    private func deliver(_ change: (inout State) -> Void) {
        let handoff = state.withLock { state -> (CheckedContinuation<PGChangeFeedEvent?, any Error>, PGChangeFeedEvent)? in
            guard !state.finished else { return nil }
            change(&state)
            guard let waiter = state.waiter, let event = state.buffer.pop() else { return nil }
            state.waiter = nil
            return (waiter, event)
        }
        if let (waiter, event) = handoff { waiter.resume(returning: event) }
    }

    // MARK: The consumer's side

    /// From now on, and among what is queued, drops transactions that committed before `lsn`.
    func skip(committedBefore lsn: PGLSN) {
        state.withLock { state in
            state.start = max(state.start, lsn)
            state.buffer.removeTransactions(committedBefore: lsn)
        }
    }

    /// The next event, waiting for one; nil once the subscription ended.
    func next() async throws -> PGChangeFeedEvent? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PGChangeFeedEvent?, any Error>) in
            enum Outcome { case event(PGChangeFeedEvent), end(PGError?), wait }
            let outcome = state.withLock { state -> Outcome in
                if let event = state.buffer.pop() { return .event(event) }
                if state.finished {
                    defer { state.failure = nil }
                    return .end(state.failure)
                }
                state.waiter = continuation
                return .wait
            }
            switch outcome {
            case .event(let event): continuation.resume(returning: event)
            case .end(let error?): continuation.resume(throwing: error)
            case .end(nil): continuation.resume(returning: nil)
            case .wait: break
            }
        }
    }

    /// The next event if one is queued, without waiting.
    func poll() -> PGChangeFeedEvent? {
        state.withLock { $0.buffer.pop() }
    }

    /// Ends a waiting `next` (the consumer was cancelled or left).
    func cancel() {
        let waiter = state.withLock { state -> CheckedContinuation<PGChangeFeedEvent?, any Error>? in
            state.finished = true
            state.failure = nil
            state.buffer = ChangeFeedBuffer(capacity: state.buffer.capacity)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }
}
