/// What a `PGChangeFeedSubscription` yields, in commit order.
public enum PGChangeFeedEvent: Sendable {
    /// One committed transaction's changes that the subscription's filter accepted (never empty).
    case transaction(PGCommittedTransaction)
    /// Changes may have been missed here: reload what the subscription keeps fresh.
    case mayHaveMissedChanges(PGChangeFeedGap)
}

/// The changes of one committed transaction that a subscriber accepted, in the order they happened.
public struct PGCommittedTransaction: Sendable {
    /// The accepted row changes.
    public var changes: [PGRowChange]
    /// Its commit (position and time).
    public var commit: PGTransactionCommit
}

/// Why a subscriber may have missed changes.
public enum PGChangeFeedGap: Sendable {
    /// The feed lost its replication connection and is back: what committed in between is not
    /// in the feed (its slot is temporary).
    case reconnected(after: PGError)
    /// The subscriber fell behind: this many accepted changes were dropped here.
    case bufferFull(dropped: Int)
    /// These subscribed tables were truncated (every row went, without a change per row).
    case truncated(tables: [String])
}
