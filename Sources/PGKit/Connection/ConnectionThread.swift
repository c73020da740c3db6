import Foundation
import Synchronization

/// The dedicated OS thread that owns one libpq connection and runs its work in order.
///
/// libpq's network waits block, so they happen here instead of on Swift's cooperative pool.
/// Work comes in two shapes:
/// - jobs (`submit`), run one after another: connecting, streaming, COPY, pipelines...;
/// - replies (`claim` then `awaitReply`): the caller sends a statement itself, from its own
///   thread, and this thread only collects the reply. While idle the thread waits in `poll()`
///   on the connection's socket as well as on its wake-up descriptor, so the server's reply
///   itself wakes it: one thread wake-up per statement, as a C program blocked in libpq has,
///   instead of one to hand the statement over plus one for the reply.
/// A parked thread costs a stack and nothing else; see the README's "Design" section.
final class ConnectionThread: @unchecked Sendable {
    // Safety: the stored properties are Mutexes and the wake-up pipe's descriptors, which are
    // set once in init and closed by the thread itself when it ends.

    /// Who may use the libpq connection right now.
    private enum Owner {
        case idle
        /// A job or a reply handler runs on this thread.
        case thread
        /// A caller claimed the connection to send a statement from its own thread.
        case caller
        /// A statement was sent; `reply` runs here once the server answers.
        case awaitingReply
    }

    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var isStopping = false
        var owner = Owner.idle
        var reply: (@Sendable () -> Void)?
        /// The reply handler should run without waiting for input (the send was not complete).
        var replyRunsNow = false
        var socket: Int32 = -1
        /// The server sent something while nobody waited for a reply (a notice, or the end of
        /// the connection): stop watching the socket until the next statement reads it.
        var socketHasIdleInput = false
        /// The thread is in (or about to enter) `poll()`; whether the socket is in its set.
        var isPolling = false
        var isPollingSocket = false
        var hasPendingWake = false

        /// Whether the thread needs a wake-up to see new work; counts one wake-up only once.
        mutating func takeWakeIfPolling() -> Bool {
            guard isPolling, !hasPendingWake else { return false }
            hasPendingWake = true
            return true
        }
    }

    private let state = StateLock(State())
    /// A pipe whose read end the thread polls along with the socket; a byte written wakes it.
    private let wakeReader: Int32
    private let wakeWriter: Int32
    /// The thread's pthread id, once it runs; lets work already on this thread skip the queue.
    private let owner = Mutex<pthread_t?>(nil)

    init(name: String) {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) != 0 { fatalError("pgkit: cannot create a pipe: \(errno)") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        wakeReader = descriptors[0]
        wakeWriter = descriptors[1]
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
        let wake = state.withLock { state -> Bool? in
            guard !state.isStopping else { return nil }
            state.jobs.append(job)
            return state.owner == .idle && state.takeWakeIfPolling()
        }
        guard let wake else { return false }
        if wake { signal() }
        return true
    }

    /// The socket to watch for replies, once the connection is open.
    func watch(socket: Int32) {
        state.withLock { $0.socket = socket }
    }

    /// Takes the connection for the caller to send a statement from its own thread. False when
    /// anything else is queued or running (the caller then submits a job, keeping the order).
    func claim() -> Bool {
        state.withLock { state in
            guard !state.isStopping, state.owner == .idle, state.head == state.jobs.count, state.socket >= 0 else { return false }
            state.owner = .caller
            return true
        }
    }

    /// Gives a claimed connection back without having sent anything.
    func unclaim() {
        let wake = state.withLock { state -> Bool in
            state.owner = .idle
            return state.head < state.jobs.count && state.takeWakeIfPolling()
        }
        if wake { signal() }
    }

    /// After the claimed connection sent a statement: `handler` runs on this thread when the
    /// server's reply arrives (at once when `immediately`, for a send that still has bytes to
    /// flush), and collects it.
    func awaitReply(immediately: Bool, _ handler: @escaping @Sendable () -> Void) {
        let wake = state.withLock { state -> Bool in
            state.reply = handler
            state.replyRunsNow = immediately
            state.owner = .awaitingReply
            state.socketHasIdleInput = false
            // A thread polling the socket already wakes on the reply.
            guard state.isPolling, immediately || !state.isPollingSocket else { return false }
            return state.takeWakeIfPolling()
        }
        if wake { signal() }
    }

    /// Called by a reply handler or a statement's job once it is done with the connection,
    /// before it resumes its caller: the next statement (or a pool handing the connection to a
    /// queued one) may claim the connection at once instead of finding it still owned by this
    /// thread (and queueing a job behind nothing).
    func endReply() {
        let wake = state.withLock { state -> Bool in
            // `.caller`: the caller that sent the statement read its reply itself.
            guard state.owner == .thread || state.owner == .caller else { return false }
            state.owner = .idle
            return state.head < state.jobs.count && state.takeWakeIfPolling()
        }
        if wake { signal() }
    }

    /// Whether the server sent something while the connection was idle: seen by the thread's
    /// own poll of the socket, so asking costs a lock, no system call; unless the thread sleeps
    /// without watching the socket (it went to sleep while a caller held the connection, and
    /// that caller read its reply itself), when the socket is peeked at instead.
    var hasIdleInput: Bool {
        let (seen, unwatchedSocket) = state.withLock { state -> (Bool, Int32) in
            let unwatched = state.owner == .idle && state.isPolling && !state.isPollingSocket
            return (state.socketHasIdleInput, unwatched ? state.socket : -1)
        }
        if seen { return true }
        return unwatchedSocket >= 0 && Self.hasInput(unwatchedSocket)
    }

    /// Whether `socket` has something to read now (data, the end of the stream, or an error),
    /// without reading it or waiting.
    private static func hasInput(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        let received = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return received >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    }

    /// Whether the caller is running on this thread right now.
    var isCurrent: Bool {
        guard let owner = owner.withLock({ $0 }) else { return false }
        return pthread_equal(owner, pthread_self()) != 0
    }

    /// Runs the jobs already queued (and a reply awaited), then ends the thread.
    func stop() {
        let wake = state.withLock { state -> Bool in
            state.isStopping = true
            return state.takeWakeIfPolling()
        }
        if wake { signal() }
    }

    private func signal() {
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
    }

    private enum Step {
        case run(@Sendable () -> Void)
        case poll(socket: Int32)
        case exit
    }

    private func run() {
        var socketReadable = false
        while true {
            let step = state.withLock { state -> Step in
                state.isPolling = false
                state.hasPendingWake = false
                if state.owner == .awaitingReply, state.replyRunsNow || socketReadable, let reply = state.reply {
                    state.reply = nil
                    state.owner = .thread
                    return .run(reply)
                }
                if state.owner == .idle, state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    if state.head == state.jobs.count {
                        state.jobs.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    state.owner = .thread
                    state.socketHasIdleInput = false  // the job's libpq calls read that input
                    return .run(job)
                }
                if state.owner == .idle, state.isStopping { return .exit }
                let watchesSocket = state.socket >= 0
                    && (state.owner == .awaitingReply || (state.owner == .idle && !state.socketHasIdleInput))
                state.isPolling = true
                state.isPollingSocket = watchesSocket
                return .poll(socket: watchesSocket ? state.socket : -1)
            }
            switch step {
            case .exit:
                close(wakeReader)
                close(wakeWriter)
                return
            case .run(let work):
                socketReadable = false
                work()
                state.withLock { state in
                    // A reply handler may have handed the connection on already (`endReply`).
                    if state.owner == .thread { state.owner = .idle }
                }
            case .poll(let socket):
                // Two descriptors on the stack (an array would be a heap allocation per wait).
                var descriptors = (pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
                                   pollfd(fd: socket, events: Int16(POLLIN), revents: 0))
                let ready = withUnsafeMutableBytes(of: &descriptors) { raw in
                    poll(raw.baseAddress!.assumingMemoryBound(to: pollfd.self), socket >= 0 ? 2 : 1, -1)
                }
                guard ready > 0 else { continue }
                if descriptors.0.revents != 0 {
                    var drained = (UInt64(0), UInt64(0))
                    _ = withUnsafeMutableBytes(of: &drained) { read(wakeReader, $0.baseAddress, $0.count) }
                }
                if socket >= 0, descriptors.1.revents != 0 {
                    let idle = state.withLock { state -> Bool in
                        if state.owner == .awaitingReply { socketReadable = true }
                        return state.owner == .idle
                    }
                    // What woke the thread may have been a reply its sender read itself in
                    // the meantime (`replyArrivedWhileWatching`): only input still there is
                    // the idle connection's own.
                    if idle, Self.hasInput(socket) {
                        state.withLock { state in
                            if state.owner == .idle { state.socketHasIdleInput = true }
                        }
                    }
                }
            }
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
