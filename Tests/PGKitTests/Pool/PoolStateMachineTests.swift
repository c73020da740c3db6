@testable import PGKit
import Testing

@Suite struct PoolStateMachineTests {
    let now = ContinuousClock.now

    func machine(min: Int = 0, max: Int = 2, idle: Duration? = .seconds(10), lifetime: Duration? = nil) -> PoolStateMachine {
        PoolStateMachine(limits: .init(minimum: min, maximum: max, idleTimeout: idle, maxLifetime: lifetime))
    }

    @Test func opensConnectionsUpToTheMaximumThenQueues() {
        var pool = machine(max: 2)
        let outcome450 = pool.acquire(1, now: now)
        #expect(outcome450 == .wait(openConnection: true))
        let outcome524 = pool.acquire(2, now: now)
        #expect(outcome524 == .wait(openConnection: true))
        let outcome598 = pool.acquire(3, now: now)
        #expect(outcome598 == .wait(openConnection: false))
        let outcome673 = pool.connectionOpened(100, now: now)
        #expect(outcome673 == 1)
        let outcome732 = pool.connectionOpened(101, now: now)
        #expect(outcome732 == 2)
        #expect(pool.waitingCount == 1)
        #expect(pool.openCount == 2)
    }

    @Test func leaseIfIdleTakesAFreeConnectionButNeverJumpsTheQueue() {
        var pool = machine(max: 1)
        #expect(pool.leaseIfIdle(now: now) == nil)          // nothing open yet
        _ = pool.acquire(1, now: now)
        _ = pool.connectionOpened(100, now: now)
        #expect(pool.release(100, reusable: true, now: now) == .keepIdle)
        let leased = pool.leaseIfIdle(now: now + .seconds(3))
        #expect(leased?.id == 100 && leased?.idleFor == .seconds(3))
        #expect(pool.leaseIfIdle(now: now) == nil)          // it is leased now
        #expect(pool.acquire(2, now: now) == .wait(openConnection: false))
        #expect(pool.release(100, reusable: true, now: now) == .handOver(to: 2))
        _ = pool.shutDown()
        #expect(pool.leaseIfIdle(now: now) == nil)
    }

    @Test func waitersAreServedFirstInFirstOut() {
        var pool = machine(max: 1)
        _ = pool.acquire(1, now: now)
        _ = pool.connectionOpened(100, now: now)
        for waiter in 2...4 { #expect(pool.acquire(waiter, now: now) == .wait(openConnection: false)) }
        let outcome1152 = pool.release(100, reusable: true, now: now)
        #expect(outcome1152 == .handOver(to: 2))
        let outcome1233 = pool.release(100, reusable: true, now: now)
        #expect(outcome1233 == .handOver(to: 3))
        let outcome1314 = pool.removeWaiter(4)
        #expect(outcome1314)
        let outcome1352 = pool.release(100, reusable: true, now: now)
        #expect(outcome1352 == .keepIdle)
        let outcome1426 = pool.acquire(5, now: now)
        #expect(outcome1426 == .lease(100, idleFor: .zero))
    }

    @Test func brokenConnectionsAreReplacedWhenSomeoneWaits() {
        var pool = machine(max: 1)
        _ = pool.acquire(1, now: now)
        _ = pool.connectionOpened(100, now: now)
        _ = pool.acquire(2, now: now)
        let outcome1731 = pool.release(100, reusable: false, now: now)
        #expect(outcome1731 == .close(openReplacement: true))
        #expect(pool.openCount == 0)
        let outcome1863 = pool.connectionOpened(101, now: now)
        #expect(outcome1863 == 2)
    }

    @Test func aRefusedConnectKeepsWaitersQueuedAndBacksOff() {
        var pool = machine(max: 3)
        pool.jitter = { 1.0 }
        _ = pool.acquire(1, now: now)
        _ = pool.acquire(2, now: now)
        #expect(pool.connecting == 2)
        let step1 = pool.connectionFailed(permanent: false, now: now)
        #expect(step1 == .retry(at: now + .milliseconds(50)))
        // The second connect was on its way already: the same refusal, the same backoff.
        let step2 = pool.connectionFailed(permanent: false, now: now + .milliseconds(5))
        #expect(step2 == .retry(at: now + .milliseconds(50)))
        #expect(pool.consecutiveConnectFailures == 1)
        #expect(pool.waitingCount == 2, "nobody is failed: they wait for their acquire timeout")
        #expect(pool.connecting == 0)
        // Within the backoff no new connect goes out, even for a new waiter.
        let step3 = pool.acquire(3, now: now + .milliseconds(10))
        #expect(step3 == .wait(openConnection: false))
        let step4 = pool.retryConnecting(now: now + .milliseconds(49))
        #expect(!step4)
        #expect(pool.connectRetryDue(now: now + .milliseconds(49)) == now + .milliseconds(50))
        // Once it passed, one probe at a time.
        let step5 = pool.retryConnecting(now: now + .milliseconds(50))
        #expect(step5)
        #expect(pool.connectRetryDue(now: now + .milliseconds(50)) == nil)
        let step6 = pool.retryConnecting(now: now + .milliseconds(50))
        #expect(!step6)
        let step7 = pool.connectionFailed(permanent: false, now: now + .milliseconds(50))
        #expect(step7 == .retry(at: now + .milliseconds(150)))
        // The backoff is capped (each probe fails once the previous backoff has passed).
        var clock = now + .milliseconds(150)
        var failedAt = clock
        for _ in 0..<20 {
            let step8 = pool.retryConnecting(now: clock)
            #expect(step8)
            failedAt = clock
            guard case .retry(let retryAt) = pool.connectionFailed(permanent: false, now: clock) else {
                Issue.record("a refused connect is retried")
                return
            }
            clock = retryAt
        }
        #expect(pool.nextConnectAttempt == failedAt + PoolStateMachine.maximumConnectBackoff)
        // A success ends the backoff: the pool opens for the remaining waiters again.
        let step9 = pool.retryConnecting(now: clock)
        #expect(step9)
        let step10 = pool.connectionOpened(100, now: now)
        #expect(step10 == 1)
        #expect(pool.consecutiveConnectFailures == 0 && pool.nextConnectAttempt == nil)
        let step11 = pool.acquire(4, now: now)
        #expect(step11 == .wait(openConnection: true))
    }

    @Test func whileTheServerRefusesThePoolHoldsWhatItHasAndServesWaitersFromReleases() {
        var pool = machine(max: 4)
        pool.jitter = { 1.0 }
        for waiter in 1...4 { _ = pool.acquire(waiter, now: now) }
        let step12 = pool.connectionOpened(100, now: now)
        #expect(step12 == 1)
        let step13 = pool.connectionOpened(101, now: now)
        #expect(step13 == 2)
        _ = pool.connectionFailed(permanent: false, now: now)   // too many clients
        _ = pool.connectionFailed(permanent: false, now: now)
        #expect(pool.refusalCeiling == 2)
        #expect(pool.waitingCount == 2)
        let step14 = pool.release(100, reusable: true, now: now)
        #expect(step14 == .handOver(to: 3))
        let step15 = pool.release(101, reusable: true, now: now)
        #expect(step15 == .handOver(to: 4))
        #expect(pool.waitingCount == 0)
    }

    @Test func aPermanentConnectFailureFailsEveryWaiterAtOnce() {
        var pool = machine(max: 2)
        for waiter in 1...3 { _ = pool.acquire(waiter, now: now) }
        let step16 = pool.connectionFailed(permanent: true, now: now)
        #expect(step16 == .fail(waiters: [1, 2, 3]))
        #expect(pool.waitingCount == 0)
        #expect(pool.connecting == 1)
    }

    @Test func idleTimeoutAndLifetimeKeepTheMinimum() {
        var pool = machine(min: 1, max: 3, idle: .seconds(10), lifetime: .seconds(100))
        for waiter in 1...3 { _ = pool.acquire(waiter, now: now) }
        for id in 100...102 { _ = pool.connectionOpened(id, now: now) }
        for id in 100...102 { _ = pool.release(id, reusable: true, now: now) }
        let outcome2581 = pool.expiredIdleConnections(now: now + .seconds(5)).isEmpty
        #expect(outcome2581)
        let outcome2658 = pool.expiredIdleConnections(now: now + .seconds(11)).count
        #expect(outcome2658 == 2)
        #expect(pool.openCount == 1)
        let outcome2776 = pool.expiredIdleConnections(now: now + .seconds(101)).count
        #expect(outcome2776 == 1)
        let outcome2858 = pool.connectionsToOpenForMinimum()
        #expect(outcome2858 == 1)
    }

    @Test func expiredConnectionsAreClosedOnRelease() {
        var pool = machine(max: 1, lifetime: .seconds(60))
        _ = pool.acquire(1, now: now)
        _ = pool.connectionOpened(100, now: now)
        let outcome3124 = pool.release(100, reusable: true, now: now + .seconds(61))
        #expect(outcome3124 == .close(openReplacement: false))
    }

    @Test func shutdownFailsWaitersAndRefusesNewWork() {
        var pool = machine(max: 1)
        _ = pool.acquire(1, now: now)
        _ = pool.connectionOpened(100, now: now)
        _ = pool.acquire(2, now: now)
        let (idle, waiters) = pool.shutDown()
        #expect(idle.isEmpty)
        #expect(waiters == [2])
        let outcome3566 = pool.acquire(3, now: now)
        #expect(outcome3566 == .poolClosed)
        let outcome3624 = pool.release(100, reusable: true, now: now)
        #expect(outcome3624 == .close(openReplacement: false))
        #expect(pool.openCount == 0)
    }
}
