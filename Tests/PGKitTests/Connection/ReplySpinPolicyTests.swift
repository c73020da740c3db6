@testable import PGKit
import Testing

@Suite struct ReplySpinPolicyTests {
    @Test func spinsUpToItsLimitWhileRepliesAreCaught() {
        var policy = ReplySpinPolicy(limit: .microseconds(200))
        for _ in 0..<100 {
            #expect(policy.nextBudget() == 200_000)
            policy.record(caught: true)
        }
    }

    @Test func threeMissesInARowPauseSpinningForLongerEachTime() {
        var policy = ReplySpinPolicy(limit: .microseconds(50))
        var expectedPause = ReplySpinPolicy.firstPause
        for _ in 0..<10 {
            for _ in 0..<3 {
                #expect(policy.nextBudget() == 50_000)
                policy.record(caught: false)
            }
            for _ in 0..<expectedPause { #expect(policy.nextBudget() == 0) }
            expectedPause = min(expectedPause * 2, ReplySpinPolicy.longestPause)
        }
        #expect(expectedPause == ReplySpinPolicy.longestPause)
    }

    @Test func aCaughtReplyEndsTheMissStreakAndResetsThePause() {
        var policy = ReplySpinPolicy(limit: .microseconds(50))
        for _ in 0..<3 { _ = policy.nextBudget(); policy.record(caught: false) }
        for _ in 0..<ReplySpinPolicy.firstPause { #expect(policy.nextBudget() == 0) }
        // Two misses, a catch, two misses: never three in a row, so no pause.
        for caught in [false, false, true, false, false] {
            #expect(policy.nextBudget() == 50_000)
            policy.record(caught: caught)
        }
        #expect(policy.nextBudget() == 50_000)
        policy.record(caught: false)
        // The third miss in a row pauses for the first pause again, not a doubled one.
        for _ in 0..<ReplySpinPolicy.firstPause { #expect(policy.nextBudget() == 0) }
        #expect(policy.nextBudget() == 50_000)
    }

    @Test func aSpinCutShortByAnotherStatementIsNeitherACatchNorAMiss() {
        var policy = ReplySpinPolicy(limit: .microseconds(50))
        for _ in 0..<10 {
            #expect(policy.nextBudget() == 50_000)
            policy.record(.interrupted)
        }
        // Two misses and any number of interruptions: still no pause.
        policy.record(.missed)
        policy.record(.interrupted)
        policy.record(.missed)
        #expect(policy.nextBudget() == 50_000)
        policy.record(.missed)
        #expect(policy.nextBudget() == 0)
    }

    @Test func noLimitNeverSpinsAndLimitsAreCappedAtOneSecond() {
        for limit in [nil, Duration.zero, .microseconds(-5)] {
            var policy = ReplySpinPolicy(limit: limit)
            #expect(policy.nextBudget() == 0)
        }
        #expect(ReplySpinPolicy(limit: .seconds(30)).limit == 1_000_000_000)
        #expect(ReplySpinPolicy(limit: .milliseconds(5_500)).limit == 1_000_000_000, "5.5 s is capped at 1 s, not 1.5 s")
        #expect(ReplySpinPolicy(limit: .microseconds(999_999)).limit == 999_999_000)
        #expect(ReplySpinPolicy(limit: .milliseconds(1)).limit == 1_000_000)
    }
}
