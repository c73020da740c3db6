import Foundation
import Synchronization

/// How long a connection watches its socket for a statement's reply before it sleeps in the
/// kernel, decided statement by statement.
///
/// Sleeping until the reply arrives costs a wake-up: the kernel must schedule the thread again,
/// and on a virtual machine whose other processor went idle meanwhile that means an
/// interprocessor interrupt the hypervisor delivers, often 20-100 µs, more than a point select
/// takes the server. Watching the socket for a short while without sleeping (a non-blocking
/// peek, which costs a system call and no wake-up) catches a fast reply with none of that. The
/// policy spins only while spinning pays: after three waits in a row that it did not catch,
/// it stops for 16 waits, then 32, up to 1,024, before it tries again; so against a distant or
/// busy server it costs a few hundred microseconds of CPU per thousand statements.
/// `ReplyWaiters` keeps it to one statement at a time per process, so a spinning thread never
/// takes a processor from other statements in flight (or from the server they wait for).
struct ReplySpinPolicy: Sendable {
    /// The longest one wait spins, in nanoseconds; 0 never spins.
    let limit: Int64
    /// Waits in a row whose reply the spin did not catch.
    private(set) var misses = 0
    /// Waits left that sleep at once, after `misses` reached three.
    private(set) var skipping = 0
    /// How many waits the next pause skips.
    private(set) var pause = Self.firstPause

    static let firstPause = 16
    static let longestPause = 1024

    init(limit: Duration?) {
        guard let limit, limit > .zero else {
            self.limit = 0
            return
        }
        let (seconds, attoseconds) = limit.components
        self.limit = seconds >= 1 ? 1_000_000_000 : attoseconds / 1_000_000_000
    }

    /// How long the next wait spins, in nanoseconds (0: it sleeps at once).
    mutating func nextBudget() -> Int64 {
        guard limit > 0 else { return 0 }
        if skipping > 0 {
            skipping -= 1
            return 0
        }
        return limit
    }

    /// Tells the policy how the wait it gave a budget ended (a spin cut short because another
    /// statement started waiting says nothing about how fast replies come, and is not counted).
    mutating func record(_ outcome: ReplyWaiters.SpinOutcome) {
        switch outcome {
        case .caught: record(caught: true)
        case .missed: record(caught: false)
        case .interrupted: break
        }
    }

    /// Tells the policy whether the wait it gave a budget caught its reply.
    mutating func record(caught: Bool) {
        if caught {
            misses = 0
            pause = Self.firstPause
            return
        }
        misses += 1
        guard misses >= 3 else { return }
        misses = 0
        skipping = pause
        pause = min(pause * 2, Self.longestPause)
    }
}

/// The statements of this process waiting for their reply right now (through a connection's
/// own thread or an inline call), so that only a statement waiting alone spins.
enum ReplyWaiters {
    private static let count = Atomic<Int>(0)
    /// When a statement last started waiting while another already waited (monotonic
    /// nanoseconds): statements of several tasks are in flight around now.
    private static let lastOverlap = Atomic<Int64>(0)
    /// How long after an overlap a task's own thread does not watch for its reply
    /// (`isAloneAndQuiet`): while other tasks send statements, they need that thread.
    static let quietNanoseconds: Int64 = 2_000_000
    /// Spinning needs a processor for the server besides the one that spins.
    static let mayEverSpin = ProcessInfo.processInfo.activeProcessorCount >= 2

    /// Counts a statement that is about to be sent; true when it is the only one waiting.
    static func enter() -> Bool {
        let waiting = count.add(1, ordering: .relaxed).newValue
        if waiting > 1 { lastOverlap.store(monotonicNanoseconds(), ordering: .relaxed) }
        return waiting == 1
    }

    /// Whether the only statement counted is the caller's own (already counted).
    static var isAlone: Bool { count.load(ordering: .relaxed) == 1 }

    /// Whether the caller's statement waits alone and none has overlapped another for
    /// `quietNanoseconds`: one task's statements one after another, not a busy moment between
    /// many tasks' (when a thread of Swift's cooperative pool that watched would hold up the
    /// tasks about to send theirs).
    static var isAloneAndQuiet: Bool {
        isAlone && monotonicNanoseconds() - lastOverlap.load(ordering: .relaxed) > quietNanoseconds
    }

    /// Uncounts a statement whose reply was read (or that was not sent after all).
    static func leave() {
        count.subtract(1, ordering: .relaxed)
    }

    /// How a spin ended.
    enum SpinOutcome {
        /// The socket has something to read (or was closed, or failed: libpq then reports it).
        case caught
        /// Nothing came within the budget.
        case missed
        /// Another statement started waiting, so this one stopped spinning.
        case interrupted
    }

    /// Watches `socket` for up to `budget` nanoseconds without sleeping. Gives up early when
    /// another statement starts waiting.
    static func spin(socket: Int32, budget: Int64) -> SpinOutcome {
        var byte: UInt8 = 0
        let deadline = monotonicNanoseconds() + budget
        repeat {
            let received = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if received >= 0 { return .caught }
            let failure = errno
            if failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR { return .caught }
            if count.load(ordering: .relaxed) > 1 { return .interrupted }
        } while monotonicNanoseconds() < deadline
        return .missed
    }

    private static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
