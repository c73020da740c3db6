/// The changes one subscriber of a `PGChangeFeed` accepted, as an `AsyncSequence`: each committed
/// transaction's accepted changes, in commit order, and gaps where changes may have been missed.
///
/// One task consumes a subscription. Leaving the loop, cancelling the task, `cancel()`, or
/// dropping a subscription never iterated unsubscribes; the feed's end (its `close()`, or a
/// failure it cannot reconnect past) ends the sequence, with the error in the second case.
public final class PGChangeFeedSubscription: AsyncSequence, Sendable {
    public typealias Element = PGChangeFeedEvent

    let subscriber: ChangeFeedSubscriber
    private let feed: PGChangeFeed

    init(subscriber: ChangeFeedSubscriber, feed: PGChangeFeed) {
        self.subscriber = subscriber
        self.feed = feed
    }

    deinit { feed.unsubscribe(subscriber) }

    /// Stops the subscription: a waiting `next()` returns nil, nothing more is queued.
    public func cancel() { feed.unsubscribe(subscriber) }

    /// Drops the transactions that committed before `lsn`, queued ones included: with
    /// `PGChangeFeed.currentPosition(on:)` read after subscribing, the subscription holds exactly
    /// what commits after that read.
    public func skipTransactions(committedBefore lsn: PGLSN) { subscriber.skip(committedBefore: lsn) }

    public func makeAsyncIterator() -> Iterator { Iterator(subscription: self) }

    /// Reads a subscription's events.
    public struct Iterator: AsyncIteratorProtocol {
        let lifetime: Lifetime

        init(subscription: PGChangeFeedSubscription) { lifetime = Lifetime(subscription: subscription) }

        /// The next event; nil once the subscription ended or the task was cancelled.
        public mutating func next() async throws -> PGChangeFeedEvent? {
            let subscription = lifetime.subscription
            return try await withTaskCancellationHandler {
                try await subscription.subscriber.next()
            } onCancel: {
                subscription.cancel()
            }
        }
    }

    /// Unsubscribes when the consumer's iterator goes away (the loop was left).
    final class Lifetime: Sendable {
        let subscription: PGChangeFeedSubscription
        init(subscription: PGChangeFeedSubscription) { self.subscription = subscription }
        deinit { subscription.cancel() }
    }
}
