import Foundation
import Logging
import Synchronization

/// Every committed change to the tables of a publication, in commit order, over logical
/// replication (the built-in `pgoutput` plugin), resumable from a replication slot.
///
/// ```swift
/// try await PGChangeStream.createPublication("chat_changes", tables: ["messages"], on: pool)
/// let changes = try await PGChangeStream.connect(config, slot: "chat_indexer", publication: "chat_changes")
/// for try await event in changes {
///     switch event {
///     case .change(let change):
///         let message = try change.newRow.map { try Message(row: $0) }
///         print(change.operation, change.table, message?.content ?? "")
///     case .commit(let commit):
///         changes.acknowledge(commit)   // handled: the slot may move past it
///     default: break
///     }
/// }
/// ```
/// Delivery is at least once, in commit order, and never includes a change of a transaction
/// that did not commit. The slot (persistent unless `Options.temporarySlot`) remembers the last
/// acknowledged position on the server: a consumer that crashes or restarts resumes after the
/// last acknowledgement the server received, so transactions after it may come again. Within
/// one stream, a lost connection is reopened (with backoff) and streaming resumes; a
/// transaction already queued whole is not queued twice, one cut off midway comes again from
/// its `begin` after a `.reconnected` event.
///
/// The server keeps the WAL a slot has not confirmed: a persistent slot nobody reads makes the
/// disk fill up. Drop slots you no longer read (`dropSlot`) and set `max_slot_wal_keep_size`.
public final class PGChangeStream: AsyncSequence, Sendable {
    public typealias Element = PGChangeEvent

    /// How a change stream keeps its slot, buffers and reconnects.
    public struct Options: Sendable {
        /// A slot that lives only as long as the connection (nothing retained after, nothing to
        /// resume: a lost connection ends the stream).
        public var temporarySlot: Bool
        /// Skip transactions that end at or before this position: where the consumer's own
        /// records say it got to (for exactly-once handling, store each commit's `endLSN` in
        /// the same transaction as its effects, and pass the last one here).
        public var startAfter: PGLSN?
        /// Events queued for a consumer that is behind; the connection waits beyond it.
        public var bufferCapacity: Int
        /// How often the server is told the positions when nothing else prompts it.
        public var statusInterval: Duration
        /// The waits between reconnection attempts.
        public var backoff: PGReconnectBackoff
        /// Values in binary, decoded by PGKit's codecs (the default); false: as the server's
        /// text (`PGRow.text(at:)`), for showing any type.
        public var binaryValues: Bool
        /// How often the slot's lag is read from the server for `pgkit_change_stream_lag_bytes`
        /// (on a connection opened for it; only when a metrics backend records).
        public var lagSampleInterval: Duration

        /// A persistent slot, 1,000 queued events, a status update every 10 s, binary values,
        /// the lag sampled every 10 s.
        public init(temporarySlot: Bool = false, startAfter: PGLSN? = nil, bufferCapacity: Int = 1_000,
                    statusInterval: Duration = .seconds(10), backoff: PGReconnectBackoff = PGReconnectBackoff(),
                    binaryValues: Bool = true, lagSampleInterval: Duration = .seconds(10)) {
            self.binaryValues = binaryValues
            self.lagSampleInterval = lagSampleInterval
            self.temporarySlot = temporarySlot
            self.startAfter = startAfter
            self.bufferCapacity = bufferCapacity
            self.statusInterval = statusInterval
            self.backoff = backoff
        }
    }

    /// The slot it reads.
    public let slot: String
    /// The publication whose tables it streams.
    public let publication: String
    /// Its options.
    public let options: Options
    private let config: PGConfig
    private let logger: Logger
    private let channel: ChangeStreamChannel
    private let progress: ChangeStreamProgress
    private let instruments: ChangeStreamInstruments?
    private let wake = WakePipe()
    private let state = Mutex(State())

    private struct State {
        var reconnections = 0
        var backendPID: Int32?
        var hasEnded = false
        var closed: [CheckedContinuation<Void, Never>] = []
    }

    private init(config: PGConfig, slot: String, publication: String, options: Options, logger: Logger) {
        self.config = config
        self.slot = slot
        self.publication = publication
        self.options = options
        self.logger = logger
        channel = ChangeStreamChannel(capacity: options.bufferCapacity)
        progress = ChangeStreamProgress(startAfter: options.startAfter ?? .zero)
        instruments = ChangeStreamInstruments.make(for: config, slot: slot)
    }

    /// Checks the server (`wal_level=logical`, the publication), creates the slot if it is
    /// missing, and starts streaming. Throws when any of that fails.
    public static func connect(_ config: PGConfig, slot: String, publication: String, options: Options = Options(),
                               logger: Logger = Logger(label: "pgkit.changes")) async throws -> PGChangeStream {
        let stream = PGChangeStream(config: config, slot: slot, publication: publication, options: options, logger: logger)
        let opened = try await stream.open()
        Task { await stream.run(opened) }
        if let instruments = stream.instruments { Task { await stream.sampleLag(into: instruments) } }
        return stream
    }

    /// Confirms that everything up to the end of `commit` is handled: the server may recycle
    /// its WAL, and a restarted consumer resumes after it. Sent to the server at once.
    public func acknowledge(_ commit: PGTransactionCommit) {
        acknowledge(commit.endLSN)
    }

    /// Confirms everything up to `lsn` (a commit's `endLSN`).
    public func acknowledge(_ lsn: PGLSN) {
        if progress.acknowledge(lsn) { wake.signal() }
    }

    /// The last acknowledged position.
    public var acknowledgedLSN: PGLSN { progress.acknowledged }

    /// How many times the connection was lost and reopened.
    public var reconnections: Int { state.withLock { $0.reconnections } }

    /// The server process streaming to it (`pg_stat_replication.pid`), nil while reconnecting.
    public var backendPID: Int32? { state.withLock { $0.backendPID } }

    /// Tells the server the last acknowledgement, closes the connection (a temporary slot goes
    /// with it) and ends the sequence.
    public func close() async {
        progress.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = state.withLock { state -> Bool in
                if state.hasEnded { return true }
                state.closed.append(continuation)
                return false
            }
            if ended { continuation.resume() } else { wake.signal() }
        }
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(channel: channel, lifetime: Lifetime(stream: self))
    }

    /// Reads a change stream's events.
    public struct Iterator: AsyncIteratorProtocol {
        let channel: ChangeStreamChannel
        let lifetime: Lifetime

        /// The next event; nil once the stream is closed or the task cancelled.
        public mutating func next() async throws -> PGChangeEvent? {
            try await channel.next()
        }
    }

    /// Closes the stream when the consumer's iterator goes away (the loop was left).
    final class Lifetime: Sendable {
        let stream: PGChangeStream
        init(stream: PGChangeStream) { self.stream = stream }
        deinit {
            let stream = self.stream
            Task { await stream.close() }
        }
    }

    // MARK: Connecting and streaming

    private struct Opened: Sendable {
        let connection: PGConnection
        let context: PGDecodingContext
    }

    /// Checks the server, makes sure the slot exists, and opens the replication connection.
    private func open() async throws -> Opened {
        let context: PGDecodingContext
        let admin = try await PGConnection.connect(config, logger: logger)
        do {
            let level = try await admin.query("SELECT current_setting('wal_level')").scalar(String.self)
            guard level == "logical" else {
                throw PGError(.invalidConfiguration, "the server runs with wal_level=\(level ?? "?"); a change stream needs wal_level=logical (set it in postgresql.conf and restart the server)")
            }
            guard try await admin.query("SELECT 1 FROM pg_publication WHERE pubname = \(publication)").count == 1 else {
                throw PGError(.invalidConfiguration, "the publication \"\(publication)\" does not exist (PGChangeStream.createPublication makes it)")
            }
            if !options.temporarySlot {
                try await Self.createSlotIfMissing(slot, on: admin)
            }
            context = try await admin.decodingContext()
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        var replication = config
        replication["replication"] = "database"
        let connection = try await PGConnection.connect(replication, logger: logger)
        if options.temporarySlot {
            do {
                try await connection.executeScript("CREATE_REPLICATION_SLOT \(PGQuery.quoteIdentifier(slot)) TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT")
            } catch {
                await connection.close()
                throw error
            }
        }
        state.withLock { $0.backendPID = connection.backendPID }
        return Opened(connection: connection, context: context)
    }

    /// Creates a persistent `pgoutput` slot named `slot` unless one exists.
    static func createSlotIfMissing(_ slot: String, on conn: PGConnection) async throws {
        if try await conn.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = \(slot)").count == 1 { return }
        do {
            try await conn.query("SELECT pg_create_logical_replication_slot(\(slot), 'pgoutput')")
        } catch let error as PGError where error.sqlState == PGSQLState(rawValue: "42710") || error.sqlState == PGSQLState(rawValue: "23505") {
            // Another consumer created it meanwhile.
        }
    }

    private var startSQL: String {
        let start = progress.resumePoint
        let publications = Self.literal(PGQuery.quoteIdentifier(publication))
        return "START_REPLICATION SLOT \(PGQuery.quoteIdentifier(slot)) LOGICAL \(start) "
            + "(proto_version '1', publication_names \(publications), binary '\(options.binaryValues)')"
    }

    /// A string literal (standard conforming strings: quotes doubled).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Errors a new connection may get past: a lost or refused connection, a server starting
    /// up, the slot still held by the walsender of a connection that just died.
    static func isRetryable(_ error: PGError) -> Bool {
        if error.isConnectionError, error.sqlState != .invalidPassword, error.sqlState != .invalidAuthorizationSpecification { return true }
        return error.sqlState == PGSQLState(rawValue: "55006") || error.sqlState == .cannotConnectNow || error.sqlState == .tooManyConnections
    }

    private func run(_ first: Opened) async {
        var opened: Opened? = first
        var attempt = 0
        var failure: PGError?
        while !progress.isClosed, !channel.isCancelled {
            guard let current = opened else {
                await pause(options.backoff.delay(attempt: attempt, jitter: Double.random(in: 0...0.2)))
                if progress.isClosed { break }
                attempt += 1
                do {
                    opened = try await open()
                    state.withLock { $0.reconnections += 1 }
                    instruments?.countReconnection()
                    logger.info("change stream reconnected", metadata: ["slot": "\(slot)", "attempts": "\(attempt)"])
                    attempt = 0
                } catch let error as PGError where Self.isRetryable(error) {
                    logger.debug("change stream reconnect failed", metadata: ["error": "\(error)"])
                } catch {
                    failure = (error as? PGError) ?? PGError(.connectionLost, "\(error)")
                    break
                }
                continue
            }
            let reader = ChangeStreamReader(context: current.context, channel: channel, progress: progress, instruments: instruments)
            let sql = startSQL, wake = self.wake, interval = options.statusInterval
            do {
                try await current.connection.perform(limit: .some(nil)) { session in
                    try session.streamReplication(sql, sink: reader, wake: wake, statusInterval: interval)
                }
                await current.connection.close()
                opened = nil
                break
            } catch {
                let error = (error as? PGError) ?? PGError(.connectionLost, "\(error)")
                await current.connection.close()
                opened = nil
                state.withLock { $0.backendPID = nil }
                guard !progress.isClosed else { break }
                guard !options.temporarySlot, Self.isRetryable(error) else {
                    failure = error
                    break
                }
                logger.info("change stream lost its connection", metadata: ["slot": "\(slot)", "error": "\(error)"])
                while channel.push(.reconnected(after: error), timeout: 1) == .full, !progress.isClosed {}
            }
        }
        if let opened { await opened.connection.close() }
        let closed = state.withLock { state in
            state.hasEnded = true
            state.backendPID = nil
            defer { state.closed = [] }
            return state.closed
        }
        channel.finish(error: failure)
        for continuation in closed { continuation.resume() }
    }

    /// Reads the slot's lag from the server every `lagSampleInterval` until the stream ends, on
    /// a connection of its own that records no metrics of its own.
    private func sampleLag(into instruments: ChangeStreamInstruments) async {
        var sampling = config
        sampling.observability = .disabled
        while !progress.isClosed, !state.withLock({ $0.hasEnded }) {
            do {
                let lag = try await PGConnection.withConnection(sampling, logger: logger) { conn in
                    try await conn.query("""
                        SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::int8
                        FROM pg_replication_slots WHERE slot_name = \(slot)
                        """).scalar(Int64.self)
                }
                if let lag { instruments.recordLag(lag) }
            } catch {
                logger.debug("change stream lag sample failed", metadata: ["slot": "\(slot)", "error": "\(error)"])
            }
            await pause(options.lagSampleInterval)
        }
    }

    /// Waits `delay`, or less when the stream is closed meanwhile.
    private func pause(_ delay: Duration) async {
        let end = ContinuousClock.now + delay
        while !progress.isClosed, ContinuousClock.now < end {
            try? await Task.sleep(for: Swift.min(.milliseconds(50), end - .now))
        }
    }
}

extension PGConnection {
    /// The types this connection looked up, for decoding values that arrive elsewhere.
    func decodingContext() async throws -> PGDecodingContext {
        try await perform { $0.decodingContext }
    }
}
