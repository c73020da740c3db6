/// The bounded queue between a change feed and one subscriber, as a value: what to keep when the
/// subscriber is behind, and where the "you may have missed some" event goes.
///
/// Policy: at most `capacity` accepted changes wait (a transaction counts its changes, and one
/// larger than `capacity` never fits). A transaction that does not fit is dropped whole and its
/// changes counted; the count arrives as one `.bufferFull` gap at the place they were dropped
/// (after everything queued before, before anything queued after). Other gaps are always kept.
struct ChangeFeedBuffer {
    let capacity: Int
    private var events = FIFOQueue<PGChangeFeedEvent>()
    private var queuedChanges = 0
    private var dropped = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { events.isEmpty && dropped == 0 }

    /// Room left for changes (what a transaction being collected may still use).
    var room: Int { capacity - queuedChanges }

    /// Queues a transaction; false when it was dropped (no room).
    @discardableResult
    mutating func push(_ transaction: PGCommittedTransaction) -> Bool {
        guard transaction.changes.count <= room else {
            dropped += transaction.changes.count
            return false
        }
        flushDropped()
        events.append(.transaction(transaction))
        queuedChanges += transaction.changes.count
        return true
    }

    /// Counts `count` changes dropped before they were queued (a transaction too large to collect).
    mutating func drop(_ count: Int) {
        dropped += count
    }

    /// Queues a gap (never dropped).
    mutating func push(gap: PGChangeFeedGap) {
        flushDropped()
        events.append(.mayHaveMissedChanges(gap))
    }

    /// Removes queued transactions that committed before `lsn` (gaps stay).
    mutating func removeTransactions(committedBefore lsn: PGLSN) {
        events.filter { event in
            guard case .transaction(let transaction) = event, transaction.commit.commitLSN < lsn else { return true }
            queuedChanges -= transaction.changes.count
            return false
        }
    }

    /// The next event, if any.
    mutating func pop() -> PGChangeFeedEvent? {
        guard let event = events.popFirst() else {
            guard dropped > 0 else { return nil }
            defer { dropped = 0 }
            return .mayHaveMissedChanges(.bufferFull(dropped: dropped))
        }
        if case .transaction(let transaction) = event { queuedChanges -= transaction.changes.count }
        return event
    }

    private mutating func flushDropped() {
        guard dropped > 0 else { return }
        events.append(.mayHaveMissedChanges(.bufferFull(dropped: dropped)))
        dropped = 0
    }
}
