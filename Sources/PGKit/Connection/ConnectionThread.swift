import Foundation
import Synchronization

/// The dedicated OS thread that owns one libpq connection and runs its work in order.
///
/// libpq's network waits block, so they happen here instead of on Swift's cooperative pool.
/// A parked thread costs a stack and nothing else; see the README's "Design" section for the
/// measurement behind choosing this over an epoll loop.
final class ConnectionThread: @unchecked Sendable {
    // Safety: `jobs`, `head` and `isStopping` are only touched while holding `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var isStopping = false
    /// The thread's pthread id, once it runs; lets work already on this thread skip the queue.
    private let owner = Mutex<pthread_t?>(nil)

    init(name: String) {
        let thread = Thread { [self] in
            owner.withLock { $0 = pthread_self() }
            run()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues `job`; returns false when the thread is stopping and will run nothing more.
    @discardableResult
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isStopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Whether the caller is running on this thread right now.
    var isCurrent: Bool {
        guard let owner = owner.withLock({ $0 }) else { return false }
        return pthread_equal(owner, pthread_self()) != 0
    }

    /// Runs the jobs already queued, then ends the thread.
    func stop() {
        condition.lock()
        isStopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while head == jobs.count && !isStopping { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}

/// The connection thread can also run Swift tasks: a task that prefers it as its executor
/// (`PGConnection.withConnectionThread`) runs right here, and its statements call libpq
/// directly, with no hand-off between threads at all.
extension ConnectionThread: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        submit { job.runSynchronously(on: executor) }
    }
}
