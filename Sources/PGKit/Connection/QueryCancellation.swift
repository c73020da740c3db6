import CLibPQ
import Foundation
import Synchronization

/// Tracks which job a connection is running so that cancelling a Swift `Task` cancels exactly
/// that job's statement on the server, and never a later one.
///
/// The cancel request (libpq's `PQcancel`) opens a second connection to the server, so it is
/// sent from a short-lived thread, never from the cooperative pool.
final class QueryCancellation: Sendable {
    /// libpq's `PGcancel`, which libpq documents as safe to use from any thread: that is the
    /// whole point of it.
    struct CancelHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private struct State {
        var cancelHandle: CancelHandle?
        var runningJob: UInt64?
        var cancelledBeforeStart: Set<UInt64> = []
        var timedOut: Set<UInt64> = []
        var nextJob: UInt64 = 0
        /// When the running job's time is up, and whether a cancel was already sent for it.
        var deadline: ContinuousClock.Instant?
        var cancelSent = false
    }

    private let state = Mutex(State())
    /// The per-statement limit (`PGConfig.queryTimeout`), and the socket to shut when the
    /// server does not answer a cancel.
    private let timeout: Duration?
    private let socket: Int32

    init(timeout: Duration? = nil, socket: Int32 = -1) {
        self.timeout = timeout
        self.socket = socket
    }

    func makeJobID() -> UInt64 {
        state.withLock { state in
            state.nextJob &+= 1
            return state.nextJob
        }
    }

    /// Called on the connection thread; false when the job was cancelled while queued.
    func begin(_ job: UInt64) -> Bool {
        state.withLock { state in
            if state.cancelledBeforeStart.remove(job) != nil { return false }
            state.runningJob = job
            if let timeout {
                state.deadline = .now + timeout
                state.cancelSent = false
            }
            return true
        }
    }

    func end(_ job: UInt64) {
        state.withLock { state in
            if state.runningJob == job {
                state.runningJob = nil
                state.deadline = nil
            }
        }
    }

    /// Called by `QueryDeadlineMonitor`: past the deadline, cancels the statement; if the server
    /// still has not answered a grace period later, shuts the socket so libpq's wait ends, and
    /// remembers that the statement timed out.
    func enforceDeadline(now: ContinuousClock.Instant) {
        guard let timeout else { return }
        let grace = min(max(timeout / 2, .milliseconds(200)), .seconds(5))
        let cancelJob = state.withLock { state -> UInt64? in
            guard let job = state.runningJob, let deadline = state.deadline, now >= deadline else { return nil }
            if !state.cancelSent {
                state.cancelSent = true
                return job
            }
            if now >= deadline + grace, !state.timedOut.contains(job) {
                state.timedOut.insert(job)
                _ = shutdown(socket, Int32(SHUT_RDWR))
            }
            return nil
        }
        if let cancelJob { Thread.detachNewThread { [self] in sendCancel(ifRunning: cancelJob) } }
    }

    func cancel(_ job: UInt64) {
        let isRunning = state.withLock { state -> Bool in
            if state.runningJob == job { return true }
            state.cancelledBeforeStart.insert(job)
            return false
        }
        guard isRunning else { return }
        Thread.detachNewThread { [self] in sendCancel(ifRunning: job) }
    }

    /// Whether `job` was stopped by its time limit (and forgets it).
    func takeTimedOut(_ job: UInt64) -> Bool {
        state.withLock { $0.timedOut.remove(job) != nil }
    }

    /// Cancels whatever runs now (used by streams whose consumer went away).
    func cancelCurrent() {
        let job = state.withLock { $0.runningJob }
        if let job { sendCancel(ifRunning: job) }
    }

    private func sendCancel(ifRunning job: UInt64) {
        // Holding the lock while sending keeps the connection from moving on to another job.
        state.withLock { state in
            guard state.runningJob == job, let handle = state.cancelHandle else { return }
            var errorBuffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle.pointer, &errorBuffer, Int32(errorBuffer.count))
        }
    }

    func install(_ handle: CancelHandle?) {
        state.withLock { state in
            if let old = state.cancelHandle { PQfreeCancel(old.pointer) }
            state.cancelHandle = handle
        }
    }

    func uninstall() { install(nil) }
}
