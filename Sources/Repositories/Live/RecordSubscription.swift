import PGKit

/// A live subscription of the repositories (`Database.live`): an `AsyncSequence` of the
/// subscriber's rows of one table as they are created, changed and deleted, in commit order,
/// and `.mayHaveMissedChanges` where some may have been missed.
///
/// One task consumes it; leaving the loop, cancelling the task or `cancel()` unsubscribes.
/// It ends (returns nil) when `Database.shutdown()` closes the feed, and, for a session's
/// messages, when the session is deleted or is no longer the user's.
public struct RecordSubscription<Record: TableRecord>: AsyncSequence, Sendable {
    public typealias Element = RecordChange<Record>

    /// What one transaction means to the subscriber: its events, and whether it ends the subscription.
    typealias Interpret = @Sendable (PGCommittedTransaction) throws -> (events: [RecordChange<Record>], ends: Bool)
    /// After a gap: whether the subscriber still has access (false ends the subscription).
    typealias Recheck = @Sendable () async throws -> Bool

    let base: PGChangeFeedSubscription
    let interpret: Interpret
    let recheck: Recheck?

    /// Unsubscribes.
    public func cancel() { base.cancel() }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), interpret: interpret, recheck: recheck, subscription: base)
    }

    /// Reads a subscription's changes.
    public struct Iterator: AsyncIteratorProtocol {
        var base: PGChangeFeedSubscription.Iterator
        let interpret: Interpret
        let recheck: Recheck?
        let subscription: PGChangeFeedSubscription
        var pending: [RecordChange<Record>] = []
        var ended = false

        /// The next change; nil once the subscription ended.
        public mutating func next() async throws -> RecordChange<Record>? {
            while pending.isEmpty {
                if ended { return nil }
                guard let event = try await base.next() else { return nil }
                switch event {
                case .transaction(let transaction):
                    let (events, ends) = try interpret(transaction)
                    pending = events
                    if ends { end() }
                case .mayHaveMissedChanges(let gap):
                    pending = [.mayHaveMissedChanges(gap)]
                    // What was missed may have taken the subscriber's access away.
                    if let recheck, try await !recheck() { end() }
                }
            }
            return pending.removeFirst()
        }

        private mutating func end() {
            ended = true
            subscription.cancel()
        }
    }
}
