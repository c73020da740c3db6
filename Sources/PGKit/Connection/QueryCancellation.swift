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
    }

    private let state = Mutex(State())

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
            return true
        }
    }

    func end(_ job: UInt64) {
        state.withLock { state in
            if state.runningJob == job { state.runningJob = nil }
        }
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

    /// Records that `job` ran out of time; true when it is still running (so the caller should
    /// break the connection to free it).
    func markTimedOut(_ job: UInt64) -> Bool {
        state.withLock { state in
            guard state.runningJob == job else { return false }
            state.timedOut.insert(job)
            return true
        }
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
