import Foundation
import Logging
import Synchronization

/// One replication connection's committed changes, fanned out to many filtered subscribers:
/// what a server process needs to push live updates to many clients without a slot per client.
///
/// ```swift
/// let feed = try await PGChangeFeed.start(config, publication: "chat_changes")
/// let mine = try feed.subscribe(tables: ["messages"]) { change in
///     (try? change.newRow?.decode(UUID.self, column: "session_id")) == sessionID
/// }
/// for try await event in mine {
///     switch event {
///     case .transaction(let transaction): print(transaction.changes.map(\.operation))
///     case .mayHaveMissedChanges(let gap): print("reload:", gap)
///     }
/// }
/// ```
/// The feed reads a `PGChangeStream` from a **temporary** slot (named `pgkit_feed_<random>`): it
/// goes with the connection, so a crashed process leaves nothing that keeps WAL, and nothing
/// is resumed either: subscriptions hold what commits while they exist. When the connection is
/// lost the feed reconnects with backoff on a new temporary slot and only then gives every
/// subscriber `.mayHaveMissedChanges(.reconnected(after:))`.
///
/// Each subscriber's filter runs on the feed's task for every change to its tables (keep it
/// cheap: decode a column, compare). Subscribers have bounded queues (`Options.bufferCapacity`
/// changes): a subscriber that falls behind loses whole transactions, counted in a
/// `.bufferFull` gap, and never slows the feed or the other subscribers. The feed acknowledges
/// each transaction once it is queued for every subscriber.
public final class PGChangeFeed: Sendable {
    /// How a feed buffers and reconnects.
    public struct Options: Sendable {
        /// Changes queued for one subscriber that is behind; beyond it, transactions are dropped
        /// and counted.
        public var bufferCapacity: Int
        /// The waits between reconnection attempts.
        public var backoff: PGReconnectBackoff

        /// 10,000 changes per subscriber, the default backoff.
        public init(bufferCapacity: Int = 10_000, backoff: PGReconnectBackoff = PGReconnectBackoff()) {
            self.bufferCapacity = bufferCapacity
            self.backoff = backoff
        }
    }

    /// The publication it reads.
    public let publication: String
    /// The publication's tables (`name`, or `schema.name` outside `public`).
    public let tables: Set<String>
    /// Its options.
    public let options: Options
    private let config: PGConfig
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var subscribers: [UInt64: ChangeFeedSubscriber] = [:]
        var nextID: UInt64 = 0
        var stream: PGChangeStream?
        var reconnections = 0
        var isClosed = false
        /// Set once the feed stopped; later subscriptions end at once with it (nil: closed).
        var ended: PGError??
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private init(config: PGConfig, publication: String, tables: Set<String>, options: Options, logger: Logger) {
        self.config = config
        self.publication = publication
        self.tables = tables
        self.options = options
        self.logger = logger
    }

    /// Reads the publication's tables, opens the replication connection and its temporary
    /// slot (which waits for transactions running in the cluster to end), and starts reading.
    /// `config` must log in as a role with `REPLICATION` (or a superuser); the server needs
    /// `wal_level=logical`.
    public static func start(_ config: PGConfig, publication: String, options: Options = Options(),
                             logger: Logger = Logger(label: "pgkit.feed")) async throws -> PGChangeFeed {
        let tables = try await PGConnection.withConnection(config, logger: logger) { connection in
            try await connection.query("""
                SELECT CASE WHEN schemaname = 'public' THEN tablename::text ELSE schemaname || '.' || tablename END
                FROM pg_publication_tables WHERE pubname = \(publication)
                """).map { try $0.decode(String.self, at: 0) }
        }
        let feed = PGChangeFeed(config: config, publication: publication, tables: Set(tables), options: options, logger: logger)
        let stream = try await feed.openStream()
        feed.state.withLock { $0.stream = stream }
        Task { await feed.run(stream) }
        return feed
    }

    /// A new subscriber to changes of `tables` that `filter` accepts, from the next transaction
    /// the feed reads on (one it is in the middle of is skipped), in transactions whose commit is
    /// at or after `start`. For "exactly what commits from now on", read `currentPosition(on:)`
    /// after subscribing and pass it to `skipTransactions(committedBefore:)`. Throws when a
    /// table is not in the publication (its changes would never come).
    public func subscribe(tables: Set<String>, from start: PGLSN = .zero,
                          where filter: @escaping @Sendable (PGRowChange) -> Bool = { _ in true }) throws -> PGChangeFeedSubscription {
        let missing = tables.subtracting(self.tables)
        guard missing.isEmpty else {
            throw PGError(.invalidConfiguration, "the publication \"\(publication)\" does not include \(missing.sorted().joined(separator: ", ")): their changes never reach the feed")
        }
        let (subscriber, ended) = state.withLock { state -> (ChangeFeedSubscriber, PGError??) in
            state.nextID += 1
            let subscriber = ChangeFeedSubscriber(id: state.nextID, tables: tables, startAfter: start,
                                                  capacity: options.bufferCapacity, filter: filter)
            if state.ended == nil { state.subscribers[subscriber.id] = subscriber }
            return (subscriber, state.ended)
        }
        if let ended { subscriber.finish(ended) }
        return PGChangeFeedSubscription(subscriber: subscriber, feed: self)
    }

    /// The position of the end of the log now (`pg_current_wal_insert_lsn()`): a transaction
    /// that commits after it was read has its commit after it.
    public static func currentPosition(on db: some PGQueryable) async throws -> PGLSN {
        let text = try await db.query("SELECT pg_current_wal_insert_lsn()::text").scalar(String.self)
        guard let text, let lsn = PGLSN(text) else { throw PGError(.protocolViolation, "the server returned no log position") }
        return lsn
    }

    /// Whether the feed stopped (closed, or a failure it could not reconnect past).
    public var hasEnded: Bool { state.withLock { $0.ended != nil } }

    /// How many subscribers it has.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// How many times it lost its connection and came back.
    public var reconnections: Int { state.withLock { $0.reconnections } }

    /// The server process streaming to it, nil while reconnecting.
    public var backendPID: Int32? { state.withLock { $0.stream?.backendPID } }

    /// Closes the connection (its temporary slot goes with it) and ends every subscription.
    public func close() async {
        let stream = state.withLock { state -> PGChangeStream? in
            state.isClosed = true
            return state.stream
        }
        await stream?.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = state.withLock { state -> Bool in
                if state.ended != nil { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if ended { continuation.resume() }
        }
    }

    func unsubscribe(_ subscriber: ChangeFeedSubscriber) {
        state.withLock { _ = $0.subscribers.removeValue(forKey: subscriber.id) }
        subscriber.cancel()
    }

    // MARK: Reading

    private var isClosed: Bool { state.withLock { $0.isClosed } }

    private func openStream() async throws -> PGChangeStream {
        let slot = "pgkit_feed_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try await PGChangeStream.connect(config, slot: slot, publication: publication,
                                                options: .init(temporarySlot: true, backoff: options.backoff), logger: logger)
    }

    private func run(_ first: PGChangeStream) async {
        var stream = first
        var failure: PGError?
        while !isClosed {
            var lost: PGError?
            do {
                for try await event in stream { dispatch(event, from: stream) }
            } catch {
                lost = (error as? PGError) ?? PGError(.connectionLost, "\(error)")
            }
            guard !isClosed else { break }
            guard let lost, PGChangeStream.isRetryable(lost) else {
                failure = lost ?? PGError(.connectionLost, "the change feed's stream ended")
                break
            }
            logger.info("change feed lost its connection", metadata: ["publication": "\(publication)", "error": "\(lost)"])
            switch await reconnect() {
            case .closed:
                break
            case .failed(let error):
                failure = error
            case .opened(let reopened):
                stream = reopened
            }
            guard failure == nil, !isClosed else { break }
            for subscriber in subscribers { subscriber.gap(.reconnected(after: lost)) }
        }
        let (subscribers, waiters) = state.withLock { state in
            state.ended = .some(failure)
            state.stream = nil
            defer {
                state.subscribers = [:]
                state.closeWaiters = []
            }
            return (Array(state.subscribers.values), state.closeWaiters)
        }
        for subscriber in subscribers { subscriber.finish(failure) }
        for waiter in waiters { waiter.resume() }
    }

    private enum Reopening { case opened(PGChangeStream), closed, failed(PGError) }

    /// Opens a new stream with backoff, until the feed is closed or an error that retrying
    /// cannot get past comes.
    private func reconnect() async -> Reopening {
        var attempt = 0
        while true {
            await pause(options.backoff.delay(attempt: attempt, jitter: Double.random(in: 0...0.2)))
            if isClosed { return .closed }
            do {
                let stream = try await openStream()
                let closed = state.withLock { state -> Bool in
                    state.stream = stream
                    state.reconnections += 1
                    return state.isClosed
                }
                if closed {
                    await stream.close()
                    return .closed
                }
                logger.info("change feed reconnected", metadata: ["publication": "\(publication)", "attempts": "\(attempt + 1)"])
                return .opened(stream)
            } catch let error as PGError where PGChangeStream.isRetryable(error) {
                attempt += 1
            } catch {
                return .failed((error as? PGError) ?? PGError(.connectionFailed, "\(error)"))
            }
        }
    }

    private var subscribers: [ChangeFeedSubscriber] { state.withLock { Array($0.subscribers.values) } }

    private func dispatch(_ event: PGChangeEvent, from stream: PGChangeStream) {
        switch event {
        case .begin:
            for subscriber in subscribers { subscriber.begin() }
        case .change(let change):
            for subscriber in subscribers { subscriber.offer(change) }
        case .truncate(let truncate):
            for subscriber in subscribers { subscriber.truncate(truncate) }
        case .commit(let commit):
            for subscriber in subscribers { subscriber.commit(commit) }
            stream.acknowledge(commit)
        case .reconnected:
            // A temporary slot's stream ends instead of reconnecting.
            break
        }
    }

    private func pause(_ delay: Duration) async {
        let end = ContinuousClock.now + delay
        while !isClosed, ContinuousClock.now < end {
            try? await Task.sleep(for: Swift.min(.milliseconds(50), end - .now))
        }
    }
}
