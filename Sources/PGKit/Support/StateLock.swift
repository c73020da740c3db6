import Foundation

/// A value behind a lock whose waiters sleep at once instead of spinning.
///
/// Swift's `Mutex` on Linux spins about a thousand `pause`s (tens of microseconds) before it
/// sleeps on a priority-inheriting futex. PGKit's hot locks (a pool's state, a connection's)
/// are taken by more threads than a small machine has cores; there the holder is often not
/// running, so the spin only burns the core it needs. glibc's default mutex tries once and
/// then sleeps (and wakes one waiter on unlock): cheaper wherever threads outnumber cores (W2
/// and W6 on two cores gained 5-8%). On a machine with many idle cores a short spin might
/// spare a waiter its sleep; that is not measured yet. A critical section here is a few
/// hundred nanoseconds.
final class StateLock<State: Sendable>: @unchecked Sendable {
    // Safety: `state` is read and written only inside `withLock`, under `mutex` (the mutex
    // lives in memory of its own, so its address never changes), and it is `Sendable`, so
    // whatever a caller takes out of it may cross threads.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    init(_ initial: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        state = initial
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the state, under the lock.
    @inline(__always)
    func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
