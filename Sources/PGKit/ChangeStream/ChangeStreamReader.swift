import Synchronization

/// The replication loop's side of a `PGChangeStream`, on one connection: decodes each message,
/// skips transactions the consumer already has (acknowledged, or queued whole before a
/// reconnection), and queues the rest, waiting while the consumer is behind.
final class ChangeStreamReader: ReplicationSink, @unchecked Sendable {
    // Safety: created on the stream's task, then used only on the replication connection's
    // thread; what it shares with the stream (`progress`, `channel`) is thread-safe.
    private var decoder: PgOutputDecoder
    private let channel: ChangeStreamChannel
    private let progress: ChangeStreamProgress
    private let instruments: ChangeStreamInstruments?
    /// Inside a transaction that the consumer already has: drop its messages.
    private var skipping = false
    /// Inside a transaction whose begin was queued and whose commit was not.
    private var inTransaction = false

    init(context: PGDecodingContext, channel: ChangeStreamChannel, progress: ChangeStreamProgress, instruments: ChangeStreamInstruments?) {
        decoder = PgOutputDecoder(context: context)
        self.channel = channel
        self.progress = progress
        self.instruments = instruments
    }

    var shouldStop: Bool { progress.isClosed || channel.isCancelled }

    func receive(_ message: UnsafeRawBufferPointer, keepAlive: () throws(PGError) -> Void) throws(PGError) -> Bool {
        guard let event = try decoder.decode(message) else { return true }
        switch event {
        case .begin(let begin):
            // A commit record before the resume point belongs to a transaction the consumer has.
            skipping = begin.commitLSN < progress.resumePoint
            if skipping { return true }
            inTransaction = true
        case .commit:
            if skipping {
                skipping = false
                return true
            }
        default:
            if skipping { return true }
        }
        // Counted before it is handed over: a consumer that has it sees it counted.
        instruments?.count(event)
        while true {
            switch channel.push(event, timeout: 1) {
            case .queued:
                if case .commit(let commit) = event {
                    inTransaction = false
                    progress.queued(commit.endLSN)
                }
                return true
            case .full:
                try keepAlive()
                if progress.isClosed { return false }
            case .consumerGone:
                return false
            }
        }
    }

    func flushPosition(serverWALEnd: PGLSN) -> PGLSN {
        let acknowledged = progress.acknowledged
        // Everything queued was taken and acknowledged, and no transaction is half-queued: the
        // server's position is safe to confirm too (changes to unpublished tables, or none,
        // would otherwise keep the slot's WAL forever).
        if !inTransaction, !skipping, progress.lastQueued <= acknowledged, channel.isDrained {
            return max(acknowledged, serverWALEnd)
        }
        return acknowledged
    }
}

/// Positions a change stream shares between its consumer and its connection's thread.
final class ChangeStreamProgress: Sendable {
    private struct State {
        var acknowledged: PGLSN
        var lastQueued: PGLSN
        var startAfter: PGLSN
        var isClosed = false
    }

    private let state: Mutex<State>

    init(startAfter: PGLSN) {
        state = Mutex(State(acknowledged: startAfter, lastQueued: startAfter, startAfter: startAfter))
    }

    /// What the consumer acknowledged (never moves back).
    var acknowledged: PGLSN { state.withLock { $0.acknowledged } }
    /// The end of the last transaction queued whole.
    var lastQueued: PGLSN { state.withLock { $0.lastQueued } }
    /// Transactions whose commit is before this are skipped: acknowledged or queued already.
    var resumePoint: PGLSN { state.withLock { max($0.acknowledged, $0.lastQueued, $0.startAfter) } }
    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Records an acknowledgement; true when it moved the position.
    func acknowledge(_ lsn: PGLSN) -> Bool {
        state.withLock { state in
            guard lsn > state.acknowledged else { return false }
            state.acknowledged = lsn
            return true
        }
    }

    func queued(_ end: PGLSN) {
        state.withLock { $0.lastQueued = max($0.lastQueued, end) }
    }

    func close() { state.withLock { $0.isClosed = true } }
}
