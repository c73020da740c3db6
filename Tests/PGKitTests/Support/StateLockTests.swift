import Foundation
@testable import PGKit
import Testing

/// `StateLock`: the lock behind a pool's, a connection's and a lane's state, taken by more
/// threads than there are cores.
@Suite struct StateLockTests {
    @Test func threadsOutnumberingTheCoresNeverLoseAnUpdate() {
        // Each update reads, yields the core half the time, and writes back: without mutual
        // exclusion another thread's update in between is overwritten and the total comes up short.
        let lock = StateLock((count: 0, inside: 0, overlaps: 0))
        let threads = 16, updates = 2_000
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for n in 0..<updates {
                lock.withLock { state in
                    state.inside += 1
                    if state.inside > 1 { state.overlaps += 1 }
                    let seen = state.count
                    if n % 2 == 0 { sched_yield() }
                    state.count = seen + 1
                    state.inside -= 1
                }
            }
        }
        let final = lock.withLock { $0 }
        #expect(final.count == threads * updates)
        #expect(final.overlaps == 0)
    }

    @Test func anErrorThrownInsideLeavesTheLockFree() {
        struct Refused: Error {}
        let lock = StateLock(1)
        #expect(throws: Refused.self) { try lock.withLock { (value: inout Int) throws(Refused) in value = 2; throw Refused() } }
        #expect(lock.withLock { $0 } == 2, "the change made before the throw stays; the lock is taken again")
    }
}
