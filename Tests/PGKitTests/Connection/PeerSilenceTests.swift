@testable import PGKit
import Testing

@Suite struct PeerSilenceTests {
    static let start = ContinuousClock.now

    static func sample(unacknowledged: UInt32 = 0, probes: UInt8 = 0, lastAcknowledgement: Duration) -> TCPAcknowledgementSample {
        TCPAcknowledgementSample(unacknowledgedSegments: unacknowledged, unansweredProbes: probes, sinceLastAcknowledgement: lastAcknowledgement)
    }

    /// `silence.observe` (a mutating call cannot stand inside `#expect`).
    func observe(_ silence: inout PeerSilence, _ sample: TCPAcknowledgementSample, at now: ContinuousClock.Instant) -> Bool {
        silence.observe(sample, at: now)
    }

    @Test func dataAcknowledgedByNobodyForTheLimitIsSilence() {
        var silence = PeerSilence(limit: .seconds(15))
        // Sent into a partition at 0 s; the samples every 250 ms see the last acknowledgement recede.
        var silentAt: Duration?
        for tick in 0...80 {
            let elapsed = Duration.milliseconds(250 * tick)
            if silence.observe(Self.sample(unacknowledged: 1, lastAcknowledgement: .seconds(40) + elapsed), at: Self.start + elapsed) {
                silentAt = elapsed
                break
            }
        }
        #expect(silentAt == .seconds(15), "counted from the first sample that saw data waiting, not from the old acknowledgement")
    }

    @Test func aClosedWindowWhoseProbesAreAnsweredIsNeverSilence() {
        var silence = PeerSilence(limit: .seconds(15))
        // A COPY waiting for a lock: nothing in flight, probes answered (at most one briefly out),
        // the last acknowledgement as old as the probe interval (up to two minutes).
        for tick in 0..<2400 {
            let elapsed = Duration.milliseconds(250 * tick)
            let probing = tick % 40 == 0
            let sample = Self.sample(probes: probing ? 1 : 0, lastAcknowledgement: .milliseconds(Int64(250 * (tick % 480))))
            #expect(!observe(&silence, sample, at: Self.start + elapsed))
        }
    }

    @Test func anAcknowledgementRestartsTheCountAndAnIdleConnectionForgetsIt() {
        var silence = PeerSilence(limit: .seconds(15))
        #expect(!observe(&silence, Self.sample(unacknowledged: 3, lastAcknowledgement: .seconds(1)), at: Self.start))
        // 10 s later something was acknowledged 2 s ago; more is still in flight.
        #expect(!observe(&silence, Self.sample(unacknowledged: 2, lastAcknowledgement: .seconds(2)), at: Self.start + .seconds(10)))
        #expect(!observe(&silence, Self.sample(unacknowledged: 2, lastAcknowledgement: .seconds(14)), at: Self.start + .seconds(23)))
        #expect(observe(&silence, Self.sample(unacknowledged: 2, lastAcknowledgement: .seconds(15)), at: Self.start + .seconds(24)))
        // Everything acknowledged: the next wait counts from its own first sample.
        #expect(!observe(&silence, Self.sample(lastAcknowledgement: .zero), at: Self.start + .seconds(25)))
        #expect(silence.silentSince == nil)
        #expect(!observe(&silence, Self.sample(unacknowledged: 1, lastAcknowledgement: .seconds(30)), at: Self.start + .seconds(55)))
        #expect(!observe(&silence, Self.sample(unacknowledged: 1, lastAcknowledgement: .seconds(44)), at: Self.start + .seconds(69)))
        #expect(observe(&silence, Self.sample(unacknowledged: 1, lastAcknowledgement: .seconds(45)), at: Self.start + .seconds(70)))
    }

    @Test func unansweredProbesWithNothingInFlightAreSilenceToo() {
        // The window closed, then the host vanished: only the probes go unanswered.
        var silence = PeerSilence(limit: .seconds(5))
        #expect(!observe(&silence, Self.sample(probes: 1, lastAcknowledgement: .seconds(3)), at: Self.start))
        #expect(!observe(&silence, Self.sample(probes: 3, lastAcknowledgement: .seconds(7)), at: Self.start + .seconds(4)))
        #expect(observe(&silence, Self.sample(probes: 4, lastAcknowledgement: .seconds(8)), at: Self.start + .seconds(5)))
    }

    @Test func aResetForgetsAnEarlierStatementsSilence() {
        var silence = PeerSilence(limit: .seconds(5))
        #expect(!observe(&silence, Self.sample(unacknowledged: 1, lastAcknowledgement: .seconds(1)), at: Self.start))
        silence.reset()
        #expect(!observe(&silence, Self.sample(unacknowledged: 1, lastAcknowledgement: .seconds(20)), at: Self.start + .seconds(19)))
    }
}
