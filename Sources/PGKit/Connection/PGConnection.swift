import CLibPQ
import Foundation
import Logging
import Synchronization

/// One connection to PostgreSQL. Safe to share between tasks: work is queued and runs in
/// order on the connection's own thread, so network waits never block Swift's cooperative pool.
///
/// ```swift
/// let conn = try await PGConnection.connect(try PGConfig("postgresql://localhost/app"))
/// let name = try await conn.query("SELECT name FROM users WHERE id = \(id)").scalar(String.self)
/// try await conn.close()
/// ```
/// Cancelling the calling `Task` cancels the running statement on the server.
public final class PGConnection: Sendable {
    /// The server's version number, such as `150018` for 15.18.
    public let serverVersion: Int
    /// The server process serving this connection (`pg_backend_pid()`).
    public let backendPID: Int32
    /// The socket's file descriptor (libpq owns it; the connection thread polls it).
    private let socket: Int32
    /// The configuration it was opened with.
    public let config: PGConfig
    public let logger: Logger

    private let thread: ConnectionThread
    private let session: LibPQSession
    private let cancellation: QueryCancellation
    private let state = StateLock(State())
    /// Spans and metrics; nil when nothing records them (see `PGObservability`).
    let instruments: StatementInstruments?

    private struct State {
        var isClosed = false
        var isBroken = false
        var transactionDepth = 0
        /// The server's transaction state after the last statement (libpq's PQtransactionStatus).
        var serverTransactionIdle = true
    }

    /// What the connection thread reads off a new connection.
    private struct Opened: Sendable {
        let session: LibPQSession
        let serverVersion: Int
        let backendPID: Int32
        let socket: Int32
        let cancelSender: QueryCancellation.Sender?
    }

    private init(config: PGConfig, logger: Logger, thread: ConnectionThread, opened: Opened) {
        self.config = config
        self.logger = logger
        self.thread = thread
        instruments = StatementInstruments.make(for: config)
        instruments?.countConnection("opened")
        session = opened.session
        serverVersion = opened.serverVersion
        backendPID = opened.backendPID
        socket = opened.socket
        thread.watch(socket: opened.socket)
        cancellation = QueryCancellation(timeout: config.queryTimeout, socket: opened.socket, silenceLimit: config.peerSilenceTimeout)
        cancellation.install(opened.cancelSender)
        QueryDeadlineMonitor.shared.register(cancellation)
        cancellation.setOnSocketShut { [weak self] in self?.markBroken() }
        let session = opened.session, cancellation = self.cancellation
        thread.submit { session.progress = cancellation }
    }

    /// Opens a connection. The wait happens on the connection's own thread.
    public static func connect(_ config: PGConfig, logger: Logger = Logger(label: "pgkit")) async throws -> PGConnection {
        let thread = ConnectionThread(name: "pgkit-connection")
        let opened: Opened
        do {
            opened = try await withUnsafeThrowingContinuation { continuation in
                thread.submit {
                    do {
                        let session = try LibPQSession.open(config, logger: logger)
                        continuation.resume(returning: Opened(
                            session: session, serverVersion: session.serverVersion, backendPID: session.backendPID, socket: session.socket,
                            cancelSender: session.makeCancelSender()))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        } catch {
            thread.stop()
            StatementInstruments.make(for: config)?.countError(TracedError(error, includeMessage: false).errorClass)
            throw error
        }
        return PGConnection(config: config, logger: logger, thread: thread, opened: opened)
    }

    /// Opens a connection, runs `body` with it, and closes it whatever happens.
    /// ```swift
    /// let count = try await PGConnection.withConnection(config) { try await $0.query("SELECT count(*) FROM users").scalar(Int.self) }
    /// ```
    public static func withConnection<T>(_ config: PGConfig, logger: Logger = Logger(label: "pgkit"),
                                         _ body: (PGConnection) async throws -> T) async throws -> T {
        let connection = try await connect(config, logger: logger)
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }

    deinit {
        QueryDeadlineMonitor.shared.unregister(cancellation)
        cancellation.uninstall()
        let session = self.session
        thread.submit { session.close() }
        thread.stop()
    }

    /// Closes the connection; later calls fail with `.connectionClosed`. Closing twice is fine.
    public func close() async {
        let wasClosed = state.withLock { state in
            defer { state.isClosed = true }
            return state.isClosed
        }
        guard !wasClosed else { return }
        instruments?.countConnection("closed")
        QueryDeadlineMonitor.shared.unregister(cancellation)
        cancellation.uninstall()
        let session = self.session
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let accepted = thread.submit {
                session.close()
                continuation.resume()
            }
            if !accepted { continuation.resume() }
        }
        thread.stop()
    }

    /// Cancels the running statement on the server and closes the connection once it returns:
    /// what a pool does to work still running when its shutdown grace period is over.
    func abort() async {
        cancellation.cancelCurrent()
        markBroken()
        await close()
    }

    /// Whether `close()` was called.
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Whether the connection broke (server gone, backend terminated); a pool discards it.
    public var isBroken: Bool { state.withLock { $0.isBroken || $0.isClosed } }

    /// Whether the server has a transaction open (or failed) on this connection, even one the
    /// caller started with a bare `BEGIN`. A pool never hands out such a connection.
    public var hasOpenServerTransaction: Bool { state.withLock { !$0.serverTransactionIdle } }

    /// Whether a transaction block is open on this connection.
    public var isInTransaction: Bool { state.withLock { $0.transactionDepth > 0 } }

    // MARK: Running work on the connection thread

    /// Runs `operation` on the connection thread and returns its result; cancelling the task
    /// cancels the statement it is running. `limit` replaces the query timeout for this job
    /// (`.some(nil)`: none).
    func perform<T: Sendable>(limit: Duration?? = nil, _ operation: @escaping @Sendable (LibPQSession) throws -> T) async throws -> T {
        if state.withLock({ $0.isClosed }) { throw PGError(.connectionClosed, "the connection is closed") }
        let job = cancellation.makeJobID()
        let session = self.session
        let cancellation = self.cancellation
        if thread.isCurrent {
            // Already on the connection thread (withConnectionThread): call libpq right here.
            return try await runInline(job, limit: limit, operation)
        }
        do {
            return try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
                    let accepted = thread.submit {
                        guard cancellation.begin(job, limit: limit) else {
                            continuation.resume(throwing: PGError(.cancelled, "the task was cancelled before the statement was sent"))
                            return
                        }
                        let result = Result { try operation(session) }
                        let idle = session.transactionStatus == PQTRANS_IDLE
                        cancellation.end(job)
                        self.state.withLock { $0.serverTransactionIdle = idle }
                        // Done with libpq: the connection is free before its caller resumes
                        // (a pool may hand it to a queued statement at once).
                        self.thread.endReply()
                        continuation.resume(with: result)
                    }
                    if !accepted { continuation.resume(throwing: PGError(.connectionClosed, "the connection is closed")) }
                }
            } onCancel: {
                cancellation.cancel(job)
            }
        } catch let error as PGError {
            throw failure(error, job: job, limit: limit)
        }
    }

    /// Runs one statement. When nothing else is queued on the connection, the caller sends it
    /// from its own thread and the connection thread is woken by the server's reply alone;
    /// otherwise (or when the statement must be prepared first) it goes through `perform`.
    func performStatement(_ query: PGQuery) async throws -> PGResultStorage {
        // A task cancelled before its statement goes out sends nothing (a cancel request would
        // find nothing running, and the statement would run to its end).
        if Task.isCancelled { throw PGError(.cancelled, "the task was cancelled before the statement was sent") }
        if thread.isCurrent || !thread.claim() { return try await perform { try $0.execute(query) } }
        let job = cancellation.makeJobID()
        let cancellation = self.cancellation
        do {
            let outcome: PGResultStorage? = try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<PGResultStorage?, any Error>) in
                    switch startClaimed(query, job: job, collectsHere: true, reply: { continuation.resume(with: $0.map { $0 }.mapError { $0 }) }) {
                    case .sent: break
                    case .cancelled: continuation.resume(throwing: PGError(.cancelled, "the task was cancelled before the statement was sent"))
                    case .notSent(let error?): continuation.resume(throwing: error)
                    case .notSent(nil): continuation.resume(returning: nil)
                    }
                }
            } onCancel: {
                cancellation.cancel(job)
            }
            if let outcome { return outcome }
        } catch let error as PGError {
            throw failure(error, job: job)
        }
        return try await perform { try $0.execute(query) }
    }

    /// What `startClaimed` did with a statement on the connection claimed from its thread.
    private enum ClaimedStart {
        /// Sent: the reply handler runs on the connection thread once the server answers.
        case sent
        /// Not sent, and the connection handed back: the job was cancelled before it began...
        case cancelled
        /// ... or it goes through the connection thread instead (a cancel for an earlier job is
        /// on its way, or the statement must be prepared first), or sending it failed.
        case notSent(PGError?)
    }

    /// Sends `query` as `job` on the connection the caller claimed, from the caller's thread;
    /// once sent, `reply` runs on the connection thread with the outcome (errors not mapped
    /// yet: see `failure`), after the connection is free for the next statement. With
    /// `collectsHere`, a reply that arrives while the sending thread watches for it (see
    /// `LibPQSession.replyArrivedWhileWatching`) is read on that thread, and `reply` runs there
    /// before this returns.
    private func startClaimed(_ query: PGQuery, job: UInt64, collectsHere: Bool,
                              reply: @escaping @Sendable (Result<PGResultStorage, PGError>) -> Void) -> ClaimedStart {
        switch cancellation.tryBegin(job) {
        case .started: break
        case .cancelled:
            thread.unclaim()
            return .cancelled
        case .busy:
            // A cancel for the previous statement is still travelling: queue this one.
            thread.unclaim()
            return .notSent(nil)
        }
        let session = self.session
        let cancellation = self.cancellation
        let sent: LibPQSession.SentStatement
        do throws(PGError) {
            guard let statement = try session.send(query) else {
                // Not prepared yet (or an extension type to look up): the thread does both.
                cancellation.end(job)
                thread.unclaim()
                return .notSent(nil)
            }
            sent = statement
        } catch {
            cancellation.end(job)
            thread.unclaim()
            return .notSent(error)
        }
        let collect: @Sendable () -> Void = { [self] in
            let result = Result { () throws(PGError) in try session.finish(sent) }
            let idle = session.transactionStatus == PQTRANS_IDLE
            cancellation.end(job)
            state.withLock { $0.serverTransactionIdle = idle }
            // Done with libpq: the caller's next statement may claim the connection.
            thread.endReply()
            reply(result)
        }
        if collectsHere, session.replyArrivedWhileWatching(sent) {
            collect()
        } else {
            thread.awaitReply(immediately: !sent.isFlushed, collect)
        }
        return .sent
    }

    /// A new job ID on this connection, for `send(onBehalf:job:reply:)` and `cancel(job:)`.
    func makeJobID() -> UInt64 { cancellation.makeJobID() }

    /// Cancels `job`: on the server when it runs, before it starts when it has not yet.
    func cancel(job: UInt64) { cancellation.cancel(job) }

    /// Forgets a cancel of `job` that came too late (it ended) or for nothing (it never ran).
    func forgetCancel(job: UInt64) { cancellation.forget(job) }

    /// Sends `query` as `job` from the calling thread for a task that waits in the pool (the
    /// caller giving the connection back hands it to the statement first in the queue), so that
    /// task is resumed once, with the reply, instead of once for the connection and once more
    /// for the reply. `reply` runs on the connection thread with what `query(_:)` would have
    /// returned or thrown. False when nothing was sent (the job was cancelled, a cancel is on
    /// its way, anything else is queued on the connection, the statement must be prepared
    /// first): the waiting task then gets the connection and runs the statement itself.
    /// The connection must be lent to the pool's caller and outside a transaction. With
    /// `collectsHere` (the statement's own task sends it), a quick reply is read on the calling
    /// thread and `reply` runs there, before this returns (see `startClaimed`).
    func send(onBehalf query: PGQuery, job: UInt64, collectsHere: Bool = false,
              reply: @escaping @Sendable (Result<PGResultStorage, PGError>) -> Void) -> Bool {
        // From any thread, this connection's own included (a reply handler handing it on).
        guard thread.claim() else { return false }
        let started = startClaimed(query, job: job, collectsHere: collectsHere) { [self] result in
            reply(result.mapError { error in
                let mapped = failure(error, job: job)
                // Outside a transaction, a write that was sent and got no answer committed by
                // itself or not at all (as `performReportingOutcome` says).
                guard mapped.kind == .connectionLost || mapped.kind == .timedOut, StatementOutcome.mayWrite(query.sql) else { return mapped }
                return mapped.outcomeUnknown(after: "a write outside a transaction")
            })
        }
        switch started {
        case .sent: return true
        case .cancelled, .notSent(nil): return false
        case .notSent(let error?):
            // Sending failed (the connection broke): marked broken here, so the pool checks or
            // replaces it before the waiting task uses it, instead of sending into it again.
            _ = failure(error, job: job)
            return false
        }
    }

    private func runInline<T: Sendable>(_ job: UInt64, limit: Duration??, _ operation: @escaping @Sendable (LibPQSession) throws -> T) async throws -> T {
        let session = self.session
        let cancellation = self.cancellation
        do {
            return try await withTaskCancellationHandler {
                guard cancellation.begin(job, limit: limit) else {
                    throw PGError(.cancelled, "the task was cancelled before the statement was sent")
                }
                defer {
                    let idle = session.transactionStatus == PQTRANS_IDLE
                    cancellation.end(job)
                    state.withLock { $0.serverTransactionIdle = idle }
                }
                return try operation(session)
            } onCancel: {
                cancellation.cancel(job)
            }
        } catch let error as PGError {
            throw failure(error, job: job, limit: limit)
        }
    }

    /// Marks the connection broken when `error` means it is, and turns a statement stopped by
    /// the query timeout into `.timedOut`.
    private func failure(_ error: PGError, job: UInt64, limit: Duration?? = nil) -> PGError {
        if cancellation.takeTimedOut(job) {
            markBroken()
            let allowed = (limit ?? config.queryTimeout) ?? .zero
            var timedOut = PGError(.timedOut, "no reply from the server within \(allowed) (and none to the cancel request sent then); the connection was closed")
            timedOut.query = error.query
            return timedOut
        }
        if let limit = cancellation.takeSilenced(job) {
            markBroken()
            var lost = PGError(.connectionLost, "the server acknowledged nothing sent to it for \(limit) (the network or its host is gone); the connection was closed")
            lost.query = error.query
            return lost
        }
        if error.isConnectionError { markBroken() }
        // A server that refuses writes behind a URL that asks for a writable one was the
        // primary and is not any more (demoted in a failover): the pool must connect again.
        if error.isReadOnly, config.requiresWritableSession { markBroken() }
        return error
    }

    /// A statement lane for this connection, whose cancel requests go to this connection's
    /// server process.
    func makeStatementLane() -> StatementLane {
        let cancellation = self.cancellation
        return StatementLane(requestCancel: { cancellation.cancelCurrent() })
    }

    /// Runs `lane`'s statements on this connection in pipeline mode until `shouldStop` (asked
    /// when nothing is queued or in flight, with whether the lane has been idle for `linger`)
    /// says so, then calls `onExit` with the error that
    /// ended it, if any (the connection broke or timed out; every waiting caller was failed).
    /// The connection must be leased to the lane: nothing else runs on it meanwhile.
    func runStatementLane(_ lane: StatementLane, linger: Duration, shouldStop: @escaping @Sendable (_ lingered: Bool) -> Bool,
                          onExit: @escaping @Sendable (PGError?) -> Void) {
        let job = cancellation.makeJobID()
        let session = self.session
        let cancellation = self.cancellation
        let accepted = thread.submit { [self] in
            guard cancellation.begin(job) else {
                // The connection was closed before the lane ran: its callers go elsewhere.
                lane.closeForRetry()
                onExit(PGError(.connectionClosed, "the connection is closed"))
                return
            }
            var error = session.runLane(lane, linger: linger, shouldStop: shouldStop)
            let idle = session.transactionStatus == PQTRANS_IDLE
            cancellation.end(job)
            state.withLock { $0.serverTransactionIdle = idle }
            if let failure = error {
                let final = self.failure(failure, job: job)
                lane.close(failing: final)
                error = final
            }
            onExit(error)
        }
        if !accepted {
            let error = PGError(.connectionClosed, "the connection is closed")
            lane.close(failing: error)
            onExit(error)
        }
    }

    /// Runs `body` on this connection's own thread. Statements it sends on this connection call
    /// libpq directly, skipping the thread wake-up and resume each statement otherwise takes, which
    /// matters for long runs of small statements. Other work on this connection waits until
    /// `body` finishes or suspends, and `body` should not block on anything but this connection.
    /// ```swift
    /// try await conn.withConnectionThread {
    ///     for id in ids { _ = try await conn.query("SELECT name FROM users WHERE id = \(id)") }
    /// }
    /// ```
    @discardableResult
    public func withConnectionThread<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(thread, operation: body)
    }

    // MARK: Queries

    /// Runs a statement and returns all its rows. Interpolated values are bound parameters.
    @discardableResult
    public func query(_ query: PGQuery) async throws -> PGQueryResult {
        // The instrumented path lives in its own function, so this one stays as small as it was.
        if let instruments { return PGQueryResult(storage: try await instrumentedStatement(query, instruments)) }
        return PGQueryResult(storage: try await performReportingOutcome(query))
    }

    /// Runs one statement inside its span and timer.
    @inline(never)
    private func instrumentedStatement(_ query: PGQuery, _ instruments: StatementInstruments) async throws -> PGResultStorage {
        try await instruments.measure(StatementOperation(sql: query.sql), sql: query.sql, parameters: query.parameters) {
            try await performReportingOutcome(query)
        }
    }

    /// Runs `sql` with explicit parameters for `$1`, `$2`, ...
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PGEncodable]) async throws -> PGQueryResult {
        try await query(PGQuery(sql, parameters: parameters))
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ query: PGQuery) async throws -> Int {
        if let instruments { return try await instrumentedStatement(query, instruments).affectedRows }
        return try await performReportingOutcome(query).affectedRows
    }

    /// Runs one statement without a span or timing of its own (the caller has one open).
    func performUninstrumented(_ query: PGQuery) async throws -> PGResultStorage {
        try await performReportingOutcome(query)
    }

    /// Runs one statement; when it may write and runs outside a transaction (so it commits by
    /// itself), a connection lost or timed out after it was sent is `.outcomeUnknown`.
    private func performReportingOutcome(_ query: PGQuery) async throws -> PGResultStorage {
        let autocommit = state.withLock { !$0.isBroken && !$0.isClosed && $0.transactionDepth == 0 && $0.serverTransactionIdle }
        do {
            return try await performStatement(query)
        } catch let error as PGError where autocommit && (error.kind == .connectionLost || error.kind == .timedOut)
            && StatementOutcome.mayWrite(query.sql) {
            throw error.outcomeUnknown(after: "a write outside a transaction")
        }
    }

    /// Runs `sql` with explicit parameters and returns the affected row count.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PGEncodable]) async throws -> Int {
        try await execute(PGQuery(sql, parameters: parameters))
    }

    /// Runs one or more `;`-separated statements without parameters (the simple protocol), as
    /// migrations and scripts need. Stops at the first error.
    public func executeScript(_ sql: String) async throws {
        guard let instruments else { return try await perform { try $0.executeSimple(sql) } }
        try await instruments.measure(StatementOperation(sql: sql), literalSQL: sql) { try await perform { try $0.executeSimple(sql) } }
    }

    /// Runs SQL (one or more statements, no parameters) and returns the last statement's columns
    /// and rows as text: for tools that show results of arbitrary SQL, like `dbctl studio`.
    public func simpleQuery(_ sql: String) async throws -> (columns: [String], rows: [[String?]]) {
        guard let instruments else { return try await perform { try $0.simpleQuery(sql) } }
        return try await instruments.measure(StatementOperation(sql: sql), literalSQL: sql) { try await perform { try $0.simpleQuery(sql) } }
    }

    /// Streams the rows of a statement without holding the whole result in memory (libpq's
    /// single-row mode, delivered in batches). Leaving the loop early cancels the statement.
    /// ```swift
    /// for try await row in conn.stream("SELECT id, content FROM messages") { ... }
    /// ```
    public func stream(_ query: PGQuery) -> PGRowStream {
        let channel = RowStreamChannel()
        if thread.isCurrent {
            // The producer would block the very thread the consumer runs on.
            channel.finish(error: PGError(.invalidConfiguration, "stream() cannot run inside withConnectionThread; use query(), or stream outside it"))
            return PGRowStream(channel: channel)
        }
        let cancellation = self.cancellation
        let instruments = self.instruments
        Task(executorPreference: globalConcurrentExecutor) {
            do {
                let run = {
                    try await self.perform { session in
                        session.stream(query, into: channel, cancellation: cancellation)
                    }
                }
                if let instruments {
                    try await instruments.measure(StatementOperation(sql: query.sql), sql: query.sql, parameters: query.parameters, run)
                } else {
                    try await run()
                }
            } catch {
                channel.finish(error: (error as? PGError) ?? PGError(.cancelled, "\(error)"))
            }
        }
        return PGRowStream(channel: channel)
    }

    /// Bulk reads and exports with `COPY ... TO STDOUT` (text, CSV or binary, as the statement
    /// says): `consume` receives each chunk of output as it arrives, on the connection's thread,
    /// so any amount streams through in constant memory. Returns the number of rows copied.
    /// ```swift
    /// let file = FileHandle(forWritingAtPath: "messages.csv")!
    /// try await conn.copyOut("COPY messages TO STDOUT (FORMAT csv, HEADER)") { file.write(Data($0)) }
    /// ```
    @discardableResult
    public func copyOut(_ sql: String, _ consume: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void) async throws -> Int {
        guard let instruments else { return try await perform { try $0.copyOut(sql, consume: consume) } }
        return try await instruments.measure(.copy, literalSQL: sql) { try await perform { try $0.copyOut(sql, consume: consume) } }
    }

    /// Runs a batch of statements in libpq's pipeline mode (one round trip) and returns each
    /// statement's result or error, in order. See `PGPipeline` for what a failure does.
    public func execute(_ pipeline: PGPipeline) async throws -> [Result<PGQueryResult, PGError>] {
        let run = {
            try await self.perform { session in
                try session.execute(pipeline).map { $0.map(PGQueryResult.init(storage:)) }
            }
        }
        guard let instruments else { return try await run() }
        return try await instruments.measure(.pipeline, attributes: { $0["db.operation.batch.size"] = Int64(pipeline.count) }, run)
    }

    /// Runs one statement once per row (`$1`, `$2`... from each row), sent in libpq's pipeline
    /// mode as the rows are produced: many rows per round trip, replies read while later rows
    /// go out, memory flat for any count (psycopg's `executemany`, without its round trips).
    /// All or nothing: it runs in a transaction (a savepoint inside one), and the first failing
    /// row's error, naming the row, is thrown. Returns the total affected row count.
    /// ```swift
    /// try await conn.executeMany("INSERT INTO notes (id, body) VALUES ($1, $2)", notes.map { [$0.id, $0.body] })
    /// ```
    /// For upserts and other statements that COPY cannot express; plain loads are faster with
    /// `copyIn`.
    @discardableResult
    public func executeMany<Rows: Sequence & Sendable>(_ sql: String, _ rows: Rows) async throws -> Int
        where Rows.Element == [any PGEncodable] {
        let run = {
            try await self.transaction { conn in
                try await conn.perform { try $0.executeMany(sql, rows: rows) }
            }
        }
        guard let instruments else { return try await run() }
        return try await instruments.measure(StatementOperation(sql: sql), sql: sql, run)
    }

    /// Bulk-loads rows with binary `COPY table (columns) FROM STDIN`, encoded with the same
    /// codecs as parameters (vectors included) and streamed in chunks, so memory stays flat for
    /// any row count. Returns the number of rows copied. A value that fails to encode aborts the
    /// whole COPY: nothing is written.
    /// ```swift
    /// try await conn.copyIn(table: "memories", columns: ["user_id", "content", "embedding"],
    ///                       rows: memories.map { [$0.userID, $0.text, $0.vector] })
    /// ```
    @discardableResult
    public func copyIn<Rows: Sequence & Sendable>(table: String, columns: [String], rows: Rows) async throws -> Int
        where Rows.Element == [any PGEncodable] {
        guard let instruments else { return try await perform { try $0.copyIn(table: table, columns: columns, rows: rows) } }
        return try await instruments.measure(.copy, attributes: { $0["db.collection.name"] = table }) {
            try await perform { try $0.copyIn(table: table, columns: columns, rows: rows) }
        }
    }

    /// A server parameter as last reported (`server_version`, `TimeZone`, `application_name`...).
    public func parameterStatus(_ name: String) async throws -> String? {
        try await perform { $0.parameterStatus(name) }
    }

    /// The password verifier the server would store for `user` (SCRAM-SHA-256 unless the
    /// server's `password_encryption` says otherwise), computed here with libpq, so that
    /// `CREATE ROLE ... PASSWORD` never carries the password itself.
    public func encryptPassword(_ password: String, user: String) async throws -> String {
        try await perform { session in try session.encryptPassword(password, user: user) }
    }

    /// Re-reads the OIDs of extension types, after `CREATE EXTENSION` on this database.
    public func reloadTypes() async throws {
        try await perform { try $0.loadExtensionTypes() }
    }

    /// The server's view of the transaction state, straight from libpq.
    func transactionStatus() async throws -> PGTransactionStatusType {
        try await perform { $0.transactionStatus }
    }

    func adjustTransactionDepth(by delta: Int) -> Int {
        state.withLock { state in
            state.transactionDepth += delta
            return state.transactionDepth
        }
    }

    func markBroken() {
        let wasBroken = state.withLock { state in
            defer { state.isBroken = true }
            return state.isBroken || state.isClosed
        }
        if !wasBroken { instruments?.countConnection("broken") }
    }

    /// Checks that the connection is alive and idle, outside any transaction, as the pool
    /// does before reusing it. Rolls back a transaction left open.
    public func reset() async throws {
        let status = try await transactionStatus()
        if status == PQTRANS_INTRANS || status == PQTRANS_INERROR {
            try await perform(limit: Self.maintenanceLimit(config)) { try $0.executeSimple("ROLLBACK") }
        }
        state.withLock { $0.transactionDepth = 0 }
    }

    /// Whether statements run since the last `resetSession()` may have left state in the
    /// session: settings, a role, temporary tables, prepared statements made with SQL, cursors,
    /// LISTENs, advisory locks (see `SessionEffects`). Safe to ask from any task.
    public var mayHaveSessionState: Bool { !session.pendingSessionEffects.isEmpty }

    /// Whether the connection can go back to a pool as it is: open, not broken, outside any
    /// transaction, with no session state to reset (one lock, for the path after every reply).
    var isReusableAsIs: Bool {
        state.withLock { !$0.isBroken && !$0.isClosed && $0.transactionDepth == 0 && $0.serverTransactionIdle }
            && !mayHaveSessionState
    }

    /// Returns the session to the state it had after connecting, when anything may have
    /// changed it (`mayHaveSessionState`); costs nothing otherwise. A pool does this before
    /// lending the connection again. Must be called outside a transaction.
    public func resetSession() async throws {
        guard mayHaveSessionState else { return }
        try await perform(limit: Self.maintenanceLimit(config)) { try $0.resetSession() }
    }

    /// Whether the server sent something while the connection was idle, which in practice
    /// means it is going away (a terminated backend, a shutdown). The connection's thread
    /// watches the socket while idle, so asking costs a lock, no system call.
    public var hasUnexpectedInput: Bool {
        socket < 0 || thread.hasIdleInput
    }

    /// Round-trips an empty statement to prove the connection works, within a few seconds
    /// whatever the query timeout (a pool's health check must not hang on a stuck server).
    public func ping() async throws {
        try await perform(limit: Self.maintenanceLimit(config)) { try $0.executeSimple("") }
    }

    /// The time limit of the pool's own statements (health checks, rollbacks, session resets):
    /// the query timeout, but at most 5 seconds.
    static func maintenanceLimit(_ config: PGConfig) -> Duration? {
        min(config.queryTimeout ?? .seconds(5), .seconds(5))
    }
}
