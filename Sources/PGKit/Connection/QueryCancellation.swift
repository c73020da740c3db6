import CLibPQ
import Foundation
import Synchronization

/// Tracks which job a connection is running so that cancelling a Swift `Task` cancels exactly
/// that job's statement on the server, and never a later one; and enforces each job's time
/// limit (`PGConfig.queryTimeout`).
///
/// No lock is ever held while a cancel request travels: the request is sent from a short-lived
/// thread with its own deadline (`CancelRequest`), so an unreachable or stopped server cannot
/// stall the process-wide `QueryDeadlineMonitor`, another connection's deadline, or a pool. A
/// job that starts while a cancel for the previous one is still on its way waits for it (at
/// most `cancelTimeout`), so a late cancel cannot hit the next statement.
final class QueryCancellation: Sendable {
    /// Where cancel requests go: PGKit's own bounded sender, or libpq's `PQcancel` when the
    /// request could not be read out of libpq (then on a thread that may be abandoned).
    enum Sender: Sendable {
        case request(CancelRequest)
        case libpq(LibPQCancelHandle)
    }

    /// libpq's `PGcancel`, freed when the last thread using it is done. libpq documents it as
    /// safe to use from any thread: that is the whole point of it.
    final class LibPQCancelHandle: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { PQfreeCancel(pointer) }
    }

    /// How long a cancel request may take to reach the server and be answered.
    static let cancelTimeout: Duration = .seconds(3)

    private struct State {
        var sender: Sender?
        var runningJob: UInt64?
        var cancelledBeforeStart: Set<UInt64> = []
        var timedOut: Set<UInt64> = []
        var nextJob: UInt64 = 0
        /// The running job's limit, when it has one, and when its time is up.
        var limit: Duration?
        var deadline: ContinuousClock.Instant?
        /// When the deadline's cancel request went out, once it has.
        var deadlineCancelSentAt: ContinuousClock.Instant?
        /// A cancel request is on its way; the next job waits for it.
        var cancelInFlight = false
        var cancelStartedAt: ContinuousClock.Instant?
        /// The socket was shut after a timeout: nothing will run on it, so nothing waits.
        var socketShut = false
        /// The connection is closing: its socket may already be another file's.
        var socketClosing = false
        /// Whether the server has gone silent on the running job (`PeerSilence`).
        var silence: PeerSilence?
        /// Jobs stopped because the server acknowledged nothing for the silence limit.
        var silenced: Set<UInt64> = []
        /// Told when the socket is shut (the connection marks itself broken, so a job whose
        /// reply was read just before is not followed by another on the dead socket).
        var onSocketShut: (@Sendable () -> Void)?
        /// The caller cancelled the running job, and when the last cancel request for it went
        /// out: the server drops a request that arrives before its backend has read the
        /// statement, so one is sent again while the job still runs.
        var callerCancelled: (job: UInt64, lastSent: ContinuousClock.Instant)?
    }

    /// How long a statement the caller cancelled may go on running before the cancel request
    /// is sent again (the first may have reached the server before the statement did).
    static let cancelRepeatInterval: Duration = .seconds(1)

    private let state: StateLock<State>
    /// The per-statement limit (`PGConfig.queryTimeout`), and the socket to shut when the
    /// server does not answer a cancel.
    let timeout: Duration?
    private let socket: Int32

    /// `silenceLimit`: how long the server may acknowledge nothing sent on `socket` while a
    /// job runs before the socket is shut (`PGConfig.peerSilenceTimeout`).
    init(timeout: Duration? = nil, socket: Int32 = -1, silenceLimit: Duration? = nil) {
        self.timeout = timeout
        self.socket = socket
        var initial = State()
        if socket >= 0, let silenceLimit, TCPAcknowledgementSample.read(socket: socket) != nil {
            initial.silence = PeerSilence(limit: silenceLimit)
        }
        state = StateLock(initial)
    }

    /// How long the server has to answer the cancel sent at the deadline before the socket is
    /// shut: half the limit, between 1 s and 5 s. Counted from when that cancel went out. A
    /// loaded server takes hundreds of milliseconds to act on a cancel request (a new connection
    /// the postmaster forks a process for); a shorter grace would close healthy connections on
    /// exactly the machines that are already struggling.
    static func grace(for limit: Duration) -> Duration {
        min(max(limit / 2, .seconds(1)), .seconds(5))
    }

    func makeJobID() -> UInt64 {
        state.withLock { state in
            state.nextJob &+= 1
            return state.nextJob
        }
    }

    /// What `tryBegin` found.
    enum Start: Equatable {
        case started
        /// The task was cancelled before the job started.
        case cancelled
        /// A cancel for an earlier job is still on its way: start on the connection thread,
        /// which may wait for it.
        case busy
    }

    /// Starts `job` unless a cancel is in flight; never blocks (for callers on Swift's pool).
    func tryBegin(_ job: UInt64, limit: Duration?? = nil) -> Start {
        state.withLock { state in
            if state.cancelledBeforeStart.remove(job) != nil { return .cancelled }
            if state.cancelInFlight { return .busy }
            start(job, limit: limit ?? timeout, &state)
            return .started
        }
    }

    /// Called on the connection thread; false when the job was cancelled while queued. Waits
    /// (at most `cancelTimeout`) for a cancel request still on its way for an earlier job.
    func begin(_ job: UInt64, limit: Duration?? = nil) -> Bool {
        while true {
            let outcome = state.withLock { state -> Start in
                if state.cancelledBeforeStart.remove(job) != nil { return .cancelled }
                if state.cancelInFlight, !state.socketShut, let since = state.cancelStartedAt,
                   ContinuousClock.now - since < Self.cancelTimeout + .milliseconds(500) {
                    return .busy
                }
                start(job, limit: limit ?? timeout, &state)
                return .started
            }
            switch outcome {
            case .started: return true
            case .cancelled: return false
            case .busy: usleep(1000)
            }
        }
    }

    private func start(_ job: UInt64, limit: Duration?, _ state: inout State) {
        state.runningJob = job
        state.limit = limit
        state.deadline = limit.map { .now + $0 }
        state.deadlineCancelSentAt = nil
        state.silence?.reset()
    }

    func end(_ job: UInt64) {
        state.withLock { state in
            if state.runningJob == job {
                state.runningJob = nil
                state.deadline = nil
                state.limit = nil
            }
        }
    }

    /// The running job made progress (rows arrived, a chunk went out): its limit counts from
    /// now. Streams and COPY call it, so only a silent server times them out, never a long one.
    func touch() {
        state.withLock { state in
            guard state.runningJob != nil, state.deadlineCancelSentAt == nil, let limit = state.limit else { return }
            state.deadline = .now + limit
        }
    }

    /// Called by `QueryDeadlineMonitor`: past the deadline, cancels the statement; if the server
    /// still has not answered a grace period after that cancel, shuts the socket so libpq's wait
    /// ends, and remembers that the statement timed out. A running job whose server has acknowledged
    /// nothing sent for the silence limit has its socket shut too (`PeerSilence`). A statement
    /// its caller cancelled that still runs a second later gets the cancel request again. Never
    /// blocks beyond a lock held for a few instructions and one `getsockopt`.
    func enforceDeadline(now: ContinuousClock.Instant) {
        // The job to send a cancel request for, and whom to tell that the socket was just shut.
        let (job, told) = state.withLock { state -> (UInt64?, (@Sendable () -> Void)?) in
            if let job = state.runningJob, !state.socketShut, !state.socketClosing, state.silence != nil,
               let sample = TCPAcknowledgementSample.read(socket: socket), state.silence!.observe(sample, at: now) {
                // Shut under the lock: the connection closes its socket only after `uninstall`.
                state.silenced.insert(job)
                state.socketShut = true
                _ = shutdown(socket, Int32(SHUT_RDWR))
                return (nil, state.onSocketShut)
            }
            if let cancelled = state.callerCancelled {
                if state.runningJob != cancelled.job {
                    state.callerCancelled = nil
                } else if now - cancelled.lastSent >= Self.cancelRepeatInterval, !state.cancelInFlight {
                    state.callerCancelled = (cancelled.job, now)
                    return (cancelled.job, nil)
                }
            }
            guard let job = state.runningJob, let deadline = state.deadline, let limit = state.limit, now >= deadline else { return (nil, nil) }
            guard let cancelSentAt = state.deadlineCancelSentAt else {
                state.deadlineCancelSentAt = now
                return (job, nil)
            }
            if now >= cancelSentAt + Self.grace(for: limit), !state.timedOut.contains(job) {
                state.timedOut.insert(job)
                state.socketShut = true
                if !state.socketClosing { _ = shutdown(socket, Int32(SHUT_RDWR)) }
                return (nil, state.onSocketShut)
            }
            return (nil, nil)
        }
        if let job { sendCancel(ifRunning: job) }
        told?()
    }

    /// `body` runs (on the monitor's thread) when the socket is shut after a timeout or silence.
    func setOnSocketShut(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.onSocketShut = body }
    }

    /// Cancels `job` on the server if it runs, or keeps it from starting if it is still queued.
    func cancel(_ job: UInt64) {
        let isRunning = state.withLock { state -> Bool in
            if state.runningJob == job {
                state.callerCancelled = (job, .now)
                return true
            }
            state.cancelledBeforeStart.insert(job)
            return false
        }
        if isRunning { sendCancel(ifRunning: job) }
    }

    /// Forgets a cancel of `job` that came after it ended, or for a job that will never start
    /// (so `cancelledBeforeStart` does not keep it for the connection's life).
    func forget(_ job: UInt64) {
        state.withLock { _ = $0.cancelledBeforeStart.remove(job) }
    }

    /// Whether `job` was stopped because the server acknowledged nothing for the silence limit
    /// (and forgets it); the limit, when so.
    func takeSilenced(_ job: UInt64) -> Duration? {
        state.withLock { state in
            state.silenced.remove(job) != nil ? state.silence?.limit : nil
        }
    }

    /// Whether `job` was stopped by its time limit (and forgets it).
    func takeTimedOut(_ job: UInt64) -> Bool {
        state.withLock { $0.timedOut.remove(job) != nil }
    }

    /// Cancels whatever runs now (used by streams whose consumer went away).
    func cancelCurrent() {
        if let job = state.withLock({ $0.runningJob }) { sendCancel(ifRunning: job) }
    }

    /// Sends a cancel request for `job` from a thread of its own, unless one is on its way.
    private func sendCancel(ifRunning job: UInt64) {
        let sender = state.withLock { state -> Sender? in
            guard state.runningJob == job, !state.cancelInFlight, let sender = state.sender else { return nil }
            state.cancelInFlight = true
            state.cancelStartedAt = .now
            return sender
        }
        guard let sender else { return }
        Thread.detachNewThread { [self] in
            switch sender {
            case .request(let request):
                _ = request.send(timeout: Self.cancelTimeout)
            case .libpq(let handle):
                var errorBuffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(handle.pointer, &errorBuffer, Int32(errorBuffer.count))
            }
            state.withLock { state in
                state.cancelInFlight = false
                state.cancelStartedAt = nil
            }
        }
    }

    func install(_ sender: Sender?) {
        state.withLock { $0.sender = sender }
    }

    /// The connection is closing: no cancel request, and nothing more done to its socket.
    func uninstall() {
        state.withLock { state in
            state.sender = nil
            state.socketClosing = true
        }
    }
}
