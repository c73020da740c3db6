import Synchronization

/// A query that stays current, as an `AsyncSequence` of its results (GRDB's `ValueObservation`,
/// Convex's reactive queries): the result now, then again after each committed change that may
/// alter what it read, only when it differs from the last one yielded.
///
/// ```swift
/// let live = feed.observe {
///     try await pool.query("SELECT count(*) FROM notes").scalar(Int.self) ?? 0
/// } // reads recorded with PGReadTracking; none recorded: every change re-runs it
/// for try await count in live { print(count) }
/// ```
/// How it knows what the closure read: code it calls records reads in `PGReadTracking` (the
/// repositories do for each call). Each run starts with an empty record; a change to a table
/// (and rows) of the last run's record, or a gap in the feed (a reconnection, a full buffer, a
/// truncate), makes it run again; a closure that recorded nothing, or a read of unknown
/// tables, makes every change of the feed count. Changes that arrive while the closure runs,
/// or while the consumer is busy, are taken together: one run for the whole burst. Runs happen
/// as the consumer asks for the next value, never ahead of it.
public struct PGLiveQuery<Value: Equatable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Value

    let feed: @Sendable () async throws -> PGChangeFeed
    let body: @Sendable () async throws -> Value

    /// A live query of `body` over the feed `feed` returns (asked for on the first `next()`).
    public init(feed: @escaping @Sendable () async throws -> PGChangeFeed, _ body: @escaping @Sendable () async throws -> Value) {
        self.feed = feed
        self.body = body
    }

    public func makeAsyncIterator() -> Iterator { Iterator(query: self) }

    /// Runs the query and waits for changes that matter.
    public struct Iterator: AsyncIteratorProtocol {
        let query: PGLiveQuery
        let dependencies = LiveQueryDependencies()
        var subscription: PGChangeFeedSubscription?
        var events: PGChangeFeedSubscription.Iterator?
        var last: Value?

        init(query: PGLiveQuery) { self.query = query }

        /// The first result, then the next one that differs; nil once the feed closed.
        public mutating func next() async throws -> Value? {
            guard let subscription, var events else {
                // Subscribe before the first run, so nothing committed during it is missed.
                let feed = try await query.feed()
                let dependencies = self.dependencies
                let subscription = try feed.subscribe(tables: feed.tables) { dependencies.mayMatter($0) }
                self.subscription = subscription
                events = subscription.makeAsyncIterator()
                let value = try await run()
                last = value
                return value
            }
            defer { self.events = events }
            while true {
                guard let event = try await events.next() else { return nil }
                var matters = dependencies.matters(event)
                // The rest of a burst, already queued: one run for all of it.
                while let queued = subscription.subscriber.poll() { matters = matters || dependencies.matters(queued) }
                guard matters else { continue }
                let value = try await run()
                if value != last {
                    last = value
                    return value
                }
            }
        }

        private func run() async throws -> Value {
            let recorder = PGReadRecorder()
            dependencies.startRun()
            do {
                let value = try await PGReadTracking.$recorder.withValue(recorder) { try await query.body() }
                dependencies.finishRun(recorder)
                return value
            } catch {
                dependencies.finishRun(nil)
                throw error
            }
        }
    }
}

/// What the last run of a live query read, shared with the feed's filter.
final class LiveQueryDependencies: Sendable {
    private struct State {
        var running = false
        /// Nil: unknown (before the first run, after a failed one, or a read of unknown tables).
        var reads: [PGTableRead]?
    }

    private let state = Mutex(State())

    func startRun() { state.withLock { $0.running = true } }

    func finishRun(_ recorder: PGReadRecorder?) {
        let reads = recorder.flatMap { $0.readsUnknown || $0.reads.isEmpty ? nil : $0.reads }
        state.withLock { state in
            state.running = false
            state.reads = reads
        }
    }

    /// The feed's filter: while a run is going, everything is kept (what it read is not known
    /// yet); `matters` decides once it is.
    func mayMatter(_ change: PGRowChange) -> Bool {
        state.withLock { state in
            guard !state.running, let reads = state.reads else { return true }
            return reads.contains { change.mayAffect($0) }
        }
    }

    /// Whether `event` may change the last run's result.
    func matters(_ event: PGChangeFeedEvent) -> Bool {
        guard case .transaction(let transaction) = event else { return true }
        let reads = state.withLock { $0.reads }
        guard let reads else { return true }
        return transaction.changes.contains { change in reads.contains { change.mayAffect($0) } }
    }
}

extension PGChangeFeed {
    /// A live query of `body` over this feed (see `PGLiveQuery`).
    public func observe<Value: Equatable & Sendable>(_ body: @escaping @Sendable () async throws -> Value) -> PGLiveQuery<Value> {
        PGLiveQuery(feed: { self }, body)
    }
}
