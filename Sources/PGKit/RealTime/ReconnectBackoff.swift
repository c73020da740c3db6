/// How long to wait before each reconnection attempt: `initial`, doubling up to `maximum`,
/// with up to 20% random jitter so listeners that lost the same server do not return in step.
public struct PGReconnectBackoff: Sendable, Equatable {
    /// The wait before the first attempt after a loss.
    public var initial: Duration
    /// The longest wait between attempts.
    public var maximum: Duration

    /// Waits from `initial` (100 ms), doubling to `maximum` (5 s).
    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait before attempt `attempt` (0 for the first), without jitter.
    public func delay(attempt: Int) -> Duration {
        var delay = initial
        for _ in 0..<min(attempt, 30) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }

    /// The wait before attempt `attempt`, with jitter in `0...0.2` of it (`jitter` given).
    func delay(attempt: Int, jitter: Double) -> Duration {
        let base = delay(attempt: attempt)
        return base + base * min(max(jitter, 0), 0.2)
    }
}
