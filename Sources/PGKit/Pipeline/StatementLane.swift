import Foundation
import Synchronization

/// Statements from many tasks sharing one connection in libpq's pipeline mode: callers add
/// statements at any time; the connection's thread sends them as they come, each followed by
/// its own sync point (so each is its own implicit transaction and one failing never affects
/// another), and hands every result back to its caller, in order. This is what `PGPool` does
/// with independent autocommit statements (see `PGPoolConfiguration.pipelinesStatements`).
///
/// Cancelling a caller's task: a statement not yet sent is dropped and the caller answered
/// `.cancelled`; the statement the server runs now, when nothing was sent after it, gets a
/// cancel request (the lane sends nothing more until it ends, so the request cannot reach
/// another caller's statement) and its caller the server's `queryCanceled`; a statement with
/// others sent after it runs on, its caller answered `.cancelled` at once and its result
/// discarded (a cancel request could reach whichever of them runs at that moment).
final class StatementLane: Sendable {
    /// One statement and the caller waiting for it.
    struct Entry: @unchecked Sendable {
        // Safety: the continuation is resumed exactly once, by whoever takes it out of
        // `State.waiting` under the lock.
        let id: UInt64
        let query: PGQuery
    }

    private struct State {
        var pending: [Entry] = []
        var waiting: [UInt64: UnsafeContinuation<PGResultStorage, any Error>] = [:]
        var nextID: UInt64 = 0
        /// The loop waits in poll(): a byte on the wake pipe brings it back.
        var polling = false
        var wakePending = false
        /// No more statements: the connection broke or went back to its pool.
        var closed = false
        /// The statements sent and not yet answered, in order.
        var sent: [UInt64] = []
        var sentHead = 0
        /// A cancel request is on its way for the statement running now: send nothing more.
        var holdSending = false
    }

    private let state = StateLock(State())
    /// Sends a cancel request for the statement the server runs now (the connection's).
    private let requestCancel: @Sendable () -> Void
    /// A pipe the loop polls along with the socket, so new statements wake it.
    private let wake = WakePipe()
    var wakeReader: Int32 { wake.reader }

    init(requestCancel: @escaping @Sendable () -> Void) {
        self.requestCancel = requestCancel
    }

    /// Thrown by `submit` when the lane retired before taking the statement: the caller
    /// dispatches it again.
    struct Retired: Error {}

    /// Sends `query` through the lane and returns its result. Cancelling the calling task
    /// answers at once with `.cancelled` (the result, if the statement was sent, is dropped).
    func submit(_ query: PGQuery) async throws -> PGResultStorage {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<PGResultStorage, any Error>) in
                let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
                    guard !state.closed else { return (false, false) }
                    state.pending.append(Entry(id: id, query: query))
                    state.waiting[id] = continuation
                    let wake = state.polling && !state.wakePending
                    if wake { state.wakePending = true }
                    return (true, wake)
                }
                if !accepted { continuation.resume(throwing: Retired()) }
                if wake { signal() }
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// How many statements wait for an answer (queued or sent).
    var outstanding: Int { state.withLock { $0.waiting.count } }

    /// Cancels `id`'s statement (see the type's description for what that does where).
    func cancel(_ id: UInt64) {
        enum Action { case answer(UnsafeContinuation<PGResultStorage, any Error>), requestCancel, nothing }
        let action = state.withLock { state -> Action in
            if let index = state.pending.firstIndex(where: { $0.id == id }) {
                state.pending.remove(at: index)
                return state.waiting.removeValue(forKey: id).map(Action.answer) ?? .nothing
            }
            guard state.waiting[id] != nil else { return .nothing }
            if state.sent.count - state.sentHead == 1, state.sent[state.sentHead] == id, !state.holdSending {
                state.holdSending = true
                return .requestCancel
            }
            return state.waiting.removeValue(forKey: id).map(Action.answer) ?? .nothing
        }
        switch action {
        case .answer(let continuation):
            continuation.resume(throwing: PGError(.cancelled, "the task was cancelled; the statement's result is discarded"))
        case .requestCancel: requestCancel()
        case .nothing: break
        }
    }

    // MARK: The loop's side (connection thread)

    /// The statements queued since the last call (none while a cancel request travels).
    func takePending() -> [Entry] {
        state.withLock { state in
            guard !state.holdSending else { return [] }
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }

    /// Whether any statement is queued and not yet taken.
    var hasPending: Bool { state.withLock { !$0.pending.isEmpty } }

    /// The loop sent `id`.
    func markSent(_ id: UInt64) {
        state.withLock { $0.sent.append(id) }
    }

    /// Gives `id`'s caller its result (or error), unless it was cancelled; `id` is the oldest
    /// statement sent.
    func answer(_ id: UInt64, with result: Result<PGResultStorage, PGError>) {
        answer([(id, result)])
    }

    /// Answers several statements, oldest first, under one lock (the results read at once
    /// reach their callers together).
    func answer(_ answers: [(id: UInt64, result: Result<PGResultStorage, PGError>)]) {
        let continuations = state.withLock { state -> [UnsafeContinuation<PGResultStorage, any Error>?] in
            answers.map { answer in
                if state.sentHead < state.sent.count, state.sent[state.sentHead] == answer.id {
                    state.sentHead += 1
                    if state.sentHead == state.sent.count {
                        state.sent.removeAll(keepingCapacity: true)
                        state.sentHead = 0
                    }
                    state.holdSending = false
                }
                return state.waiting.removeValue(forKey: answer.id)
            }
        }
        for (continuation, answer) in zip(continuations, answers) {
            continuation?.resume(with: answer.result.mapError { $0 as any Error })
        }
    }

    /// The loop is about to wait in poll(); false when work it can send arrived meanwhile
    /// (while a cancel request travels, queued statements wait for the running one's end).
    func beginPolling() -> Bool {
        state.withLock { state in
            guard state.pending.isEmpty || state.holdSending else { return false }
            state.polling = true
            return true
        }
    }

    func endPolling() {
        state.withLock { state in
            state.polling = false
            state.wakePending = false
        }
        wake.drain()
    }

    /// Retires the lane if nothing is queued (the loop is about to answer its last statement);
    /// false when a statement arrived meanwhile.
    func retireIfIdle() -> Bool {
        state.withLock { state in
            guard state.pending.isEmpty else { return false }
            state.closed = true
            return true
        }
    }

    /// Retires the lane before anything was sent (its connection turned out dead): every
    /// waiting caller dispatches its statement again elsewhere.
    func closeForRetry() {
        let waiting = state.withLock { state -> [UnsafeContinuation<PGResultStorage, any Error>] in
            state.closed = true
            state.pending = []
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(throwing: Retired()) }
    }

    /// Stops taking statements and fails everyone whose statement was sent with `error`; the
    /// callers of statements never sent dispatch them again elsewhere (`Retired`).
    func close(failing error: PGError) {
        let (sent, unsent) = state.withLock { state -> ([UnsafeContinuation<PGResultStorage, any Error>], [UnsafeContinuation<PGResultStorage, any Error>]) in
            state.closed = true
            let unsentIDs = Set(state.pending.map(\.id))
            state.pending = []
            defer { state.waiting = [:] }
            var sent: [UnsafeContinuation<PGResultStorage, any Error>] = []
            var unsent: [UnsafeContinuation<PGResultStorage, any Error>] = []
            for (id, continuation) in state.waiting {
                if unsentIDs.contains(id) { unsent.append(continuation) } else { sent.append(continuation) }
            }
            return (sent, unsent)
        }
        for continuation in sent { continuation.resume(throwing: error) }
        for continuation in unsent { continuation.resume(throwing: Retired()) }
    }

    /// Ends the loop's wait for statements (it then asks whether to stop).
    func wakeLoop() {
        let signal = state.withLock { state -> Bool in
            let wake = state.polling && !state.wakePending
            if wake { state.wakePending = true }
            return wake
        }
        if signal { self.signal() }
    }

    private func signal() { wake.signal() }
}
