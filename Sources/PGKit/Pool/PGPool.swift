import Foundation
import Logging
import Synchronization

/// A pool of connections shared by many tasks, with a fair (FIFO) queue of waiters.
///
/// ```swift
/// let pool = PGPool(config: config, configuration: .init(maxConnections: 8))
/// let count = try await pool.query("SELECT count(*) FROM users").scalar(Int.self)
/// try await pool.transaction { tx in ... }
/// await pool.shutdown()
/// ```
/// Broken connections are discarded and replaced; a connection left inside a transaction is
/// rolled back before anyone else gets it; idle connections are health-checked before reuse.
/// Cancelling a task that waits for a connection takes it out of the queue.
public final class PGPool: Sendable {
    public let config: PGConfig
    public let configuration: PGPoolConfiguration
    let logger: Logger
    /// Spans and metrics (acquire spans and timers, the gauges); nil when nothing records them
    /// (see `PGObservability`).
    let instruments: PoolInstruments?
    /// Spans and timers of the statements `pool.query` and `pool.execute` run, each opened in its
    /// caller's task (the exclusive path's inside `withConnection` are the connection's own).
    let statementInstruments: StatementInstruments?

    struct State {
        var machine: PoolStateMachine
        var connections: [Int: PGConnection] = [:]
        var waiters: [Int: PoolWaiter] = [:]
        /// When each waiter's acquire timeout runs out. Every waiter gets the same timeout, so
        /// one task sleeping until the earliest deadline serves them all.
        var deadlines: [Int: ContinuousClock.Instant] = [:]
        var enforcingDeadlines = false
        var timeoutTask: Task<Void, Never>?
        var cancelledWaiters: Set<Int> = []
        var lastConnectError: PGError?
        /// A task waits for the connect backoff to pass.
        var connectRetryScheduled = false
        var nextID = 0
        var shutdownWaiters: [UnsafeContinuation<Void, Never>] = []
        var maintenance: Task<Void, Never>?
        /// Connections lent to statement lanes (pipelined statements of many tasks), by id.
        var lanes: [Int: StatementLane] = [:]

        /// Takes a waiter out (served, failed or gone) with its deadline.
        mutating func takeWaiter(_ id: Int) -> PoolWaiter? {
            deadlines.removeValue(forKey: id)
            return waiters.removeValue(forKey: id)
        }

        mutating func makeID() -> Int {
            nextID += 1
            return nextID
        }

        /// Gives back a connection a retired lane used, synchronously (a lane's statements leave
        /// no transaction or session state behind): idle again, handed to the first waiter
        /// (returned, to resume), or closed.
        mutating func returnLaneConnection(_ id: Int, reusable: Bool)
            -> (waiter: PoolWaiter?, openReplacement: Bool) {
            switch machine.release(id, reusable: reusable, now: .now) {
            case .keepIdle: return (nil, false)
            case .handOver(let waiterID): return (takeWaiter(waiterID), false)
            case .close(let openReplacement):
                if let connection = connections.removeValue(forKey: id) { Task { await connection.close() } }
                return (nil, openReplacement)
            }
        }

        /// Leases the idle connection the pool would lend next, for a statement lane, unless it
        /// needs a health check first (long idle, or the server sent something): that is the
        /// exclusive path's job.
        mutating func leaseIdleForLane(healthCheckAfter: Duration) -> (Int, PGConnection)? {
            guard let (id, idleFor) = machine.nextIdle(now: .now), let connection = connections[id],
                  idleFor < healthCheckAfter, !connection.isBroken, !connection.hasUnexpectedInput,
                  machine.leaseIfIdle(now: .now)?.id == id else { return nil }
            return (id, connection)
        }
    }

    private let state: StateLock<State>
    /// Whether statement lanes should ask the pool (under its lock) if they may stop: set,
    /// under the lock, whenever a caller starts waiting for a connection of its own or the pool
    /// shuts down, and cleared by a lane that found neither under the lock. While it is false
    /// a lane's frequent "may I stop?" costs one atomic load instead of taking the lock every
    /// statement shares (under load the lanes and the callers queued on that lock).
    let lanesShouldAsk = Atomic<Bool>(false)
    /// Waiter IDs, taken without the lock (they only need to be unique).
    private let nextWaiterID = Atomic<Int>(0)

    /// How many queued statements a caller giving back a connection sent for their tasks
    /// (`PoolWaiter.handOver`); tests read it to know that path ran.
    let statementsSentForWaiters = Atomic<Int>(0)

    /// Runs `body` with the pool's state locked (for the pipelining extension).
    func withState<T: Sendable>(_ body: (inout State) -> T) -> T { state.withLock(body) }

    /// Takes back a connection a statement lane was using.
    func releaseFromLane(_ id: Int, _ connection: PGConnection) async { await release(id, connection) }

    /// After a lane's connection was given back: opens its replacement when a waiter needs one,
    /// and finishes a shutdown that waited for it.
    func afterLaneReturn(openReplacement: Bool) {
        if openReplacement { openConnection() }
        notifyShutdownIfDrained()
    }

    /// A pool for `config`. Without a `configuration`, the defaults, with the size and acquire
    /// timeout the configuration's URL asks for (`connection_limit`, `pool_timeout`).
    public init(config: PGConfig, configuration given: PGPoolConfiguration? = nil, logger: Logger = Logger(label: "pgkit.pool")) {
        var configuration = given ?? PGPoolConfiguration()
        if given == nil {
            if let size = config.poolSize { configuration.maxConnections = max(size, configuration.minConnections) }
            if let timeout = config.poolAcquireTimeout { configuration.acquireTimeout = timeout }
        }
        self.config = config
        self.configuration = configuration
        self.logger = logger
        instruments = PoolInstruments.make(for: config)
        statementInstruments = StatementInstruments.make(for: config)
        state = StateLock(State(machine: PoolStateMachine(limits: .init(
            minimum: configuration.minConnections, maximum: configuration.maxConnections,
            idleTimeout: configuration.idleTimeout, maxLifetime: configuration.maxLifetime))))
        let interval = min(configuration.idleTimeout ?? .seconds(60), configuration.maxLifetime ?? .seconds(60), .seconds(10))
        let maintenance = Task { [weak self] in
            while !Task.isCancelled {
                self?.maintain()
                self?.recordStatistics()
                try? await Task.sleep(for: max(interval / 2, .milliseconds(100)))
            }
        }
        state.withLock { $0.maintenance = maintenance }
    }

    /// Current counts of open, idle, in-use and connecting connections and of waiters.
    public var statistics: PGPoolStatistics {
        state.withLock { state in
            PGPoolStatistics(open: state.machine.openCount, idle: state.machine.idleCount, inUse: state.machine.leasedCount,
                             waiting: state.machine.waitingCount, connecting: state.machine.connecting)
        }
    }

    // MARK: Using connections

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    @discardableResult
    public func withConnection<T>(_ body: (PGConnection) async throws -> T) async throws -> T {
        let (id, connection) = try await acquireObserved()
        do {
            let value = try await body(connection)
            await release(id, connection)
            recordStatistics()
            return value
        } catch {
            await release(id, connection)
            recordStatistics()
            throw error
        }
    }

    /// Updates the pool gauges, when metrics are recorded.
    func recordStatistics() {
        guard let instruments else { return }
        instruments.record(statistics)
    }

    /// Runs one statement on a pooled connection (pipelined with other tasks' statements when
    /// `pipelinesStatements` is on and the statement changes no session state).
    @discardableResult
    public func query(_ query: PGQuery) async throws -> PGQueryResult {
        if let storage = try await pipelined(query) { return PGQueryResult(storage: storage) }
        return PGQueryResult(storage: try await statement(query))
    }

    /// Runs `sql` with explicit parameters on a pooled connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PGEncodable]) async throws -> PGQueryResult {
        try await query(PGQuery(sql, parameters: parameters))
    }

    /// Runs a statement on a pooled connection and returns the affected row count.
    @discardableResult
    public func execute(_ query: PGQuery) async throws -> Int {
        if let storage = try await pipelined(query) { return storage.affectedRows }
        return try await statement(query).affectedRows
    }

    /// Runs `body` in a transaction on one pooled connection (see `PGConnection.transaction`).
    /// With `options.retry`, a serialization failure or deadlock, and a connection lost (or
    /// found on a server that turned read-only) before `COMMIT` was sent, rerun the whole body
    /// on a connection from the pool: after a failover, one to the new primary.
    @discardableResult
    public func transaction<T>(
        _ options: PGTransactionOptions = PGTransactionOptions(),
        _ body: (PGConnection) async throws -> T
    ) async throws -> T {
        var once = options
        once.retry = .never
        var attempt = 1
        var backoff = options.retry.initialBackoff
        while true {
            let (id, connection) = try await acquireObserved()
            do {
                let value = try await connection.transaction(once, body)
                await release(id, connection)
                return value
            } catch let error as PGError where attempt < options.retry.maxAttempts
                && options.retry.retries(error, connectionBroken: connection.isBroken) {
                await release(id, connection)
                attempt += 1
                logger.debug("retrying transaction", metadata: [
                    "error": "\(error.kind)", "sqlstate": "\(error.sqlState?.rawValue ?? "")", "attempt": "\(attempt)"])
                try await Task.sleep(for: backoff * Double.random(in: 0.5...1.5))
                backoff *= 2
            } catch {
                await release(id, connection)
                throw error
            }
        }
    }

    // MARK: Acquire and release

    /// `acquire()` inside its span and timer when the pool records them.
    private func acquireObserved() async throws -> (Int, PGConnection) {
        guard let instruments else { return try await acquire() }
        let leased = try await instruments.measureAcquire { try await acquire() }
        instruments.record(statistics)
        return leased
    }

    private func acquire() async throws -> (Int, PGConnection) {
        let (id, connection, _) = try await acquire(queueing: nil)
        return (id, connection)
    }

    /// A connection, health-checked when it idled long or looks suspect; with `statement`, a
    /// wait for one may end with the statement already run on it (its outcome returned).
    func acquire(queueing statement: PGQuery?, measuredByCaller: Bool = false) async throws -> (Int, PGConnection, StatementAnswer?) {
        while true {
            let (id, connection, idleFor, answer) = try await acquireOnce(queueing: statement, measuredByCaller: measuredByCaller)
            if let answer { return (id, connection, answer) }
            let suspect = connection.isBroken || connection.hasUnexpectedInput
            guard suspect || idleFor >= configuration.healthCheckAfterIdle else { return (id, connection, nil) }
            do {
                guard !connection.isBroken else { throw PGError(.connectionLost, "broken") }
                try await connection.ping()
                return (id, connection, nil)
            } catch {
                logger.debug("discarding a connection that failed its health check")
                discard(id, connection)
            }
        }
    }

    private enum AcquireStep {
        case ready(Int, PGConnection, Duration)
        /// Queued, with its deadline set; `startTimer` when no task enforces deadlines yet.
        case waiting(open: Bool, startTimer: Bool)
        case failed(PGError)
    }

    private func acquireOnce(queueing query: PGQuery?, measuredByCaller: Bool) async throws -> (Int, PGConnection, Duration, StatementAnswer?) {
        if !Task.isCancelled, let leased = state.withLock({ state -> (Int, PGConnection, Duration)? in
            state.machine.leaseIfIdle(now: .now).map { ($0.id, state.connections[$0.id]!, $0.idleFor) }
        }) {
            return (leased.0, leased.1, leased.2, nil)
        }
        let waiterID = nextWaiterID.add(1, ordering: .relaxed).newValue
        // A fresh one per wait: one that was handed a connection it could not be sent on is done.
        let statement = query.map { QueuedStatement($0, measuredByCaller: measuredByCaller) }
        var idleFor = Duration.zero
        let handover = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<PoolWaiter.Handover, any Error>) in
                let step = state.withLock { state -> AcquireStep in
                    if state.cancelledWaiters.remove(waiterID) != nil {
                        return .failed(PGError(.cancelled, "the task was cancelled while waiting for a connection"))
                    }
                    // Lanes waiting for statements give their connections back once woken.
                    let idleLanes = state.lanes.values.reduce(0) { $0 + ($1.outstanding == 0 ? 1 : 0) }
                    switch state.machine.acquire(waiterID, now: .now, freeingSoon: idleLanes) {
                    case .lease(let id, let idle):
                        return .ready(id, state.connections[id]!, idle)
                    case .wait(let open):
                        state.waiters[waiterID] = PoolWaiter(continuation: continuation, statement: statement)
                        lanesShouldAsk.store(true, ordering: .relaxed)
                        // Every waiter gets the same timeout, so one task sleeping until the
                        // earliest deadline serves them all (a timer per waiter cost a dispatch
                        // timer and a thread wake-up per contended acquire).
                        state.deadlines[waiterID] = .now + configuration.acquireTimeout
                        defer { state.enforcingDeadlines = true }
                        return .waiting(open: open, startTimer: !state.enforcingDeadlines)
                    case .poolClosed:
                        return .failed(PGError(.poolClosed, "the pool is shut down"))
                    }
                }
                switch step {
                case .ready(let id, let connection, let idle):
                    idleFor = idle
                    continuation.resume(returning: .leased(id: id, connection))
                case .failed(let error):
                    continuation.resume(throwing: error)
                case .waiting(let open, let startTimer):
                    if open { openConnection() }
                    if configuration.pipelinesStatements { wakeIdleLanes() }
                    if startTimer { startEnforcingDeadlines() }
                    recordStatistics()
                }
            }
        } onCancel: {
            // A statement already sent for this task is cancelled on the server instead.
            if statement?.cancel() == true { return }
            failWaiter(waiterID, PGError(.cancelled, "the task was cancelled while waiting for a connection"), markCancelled: true)
        }
        switch handover {
        case .leased(let id, let connection): return (id, connection, idleFor, nil)
        case .answered(let id, let connection, let answer): return (id, connection, .zero, answer)
        }
    }

    /// Starts the task that fails waiters whose deadline passed (`enforcingDeadlines` is set).
    private func startEnforcingDeadlines() {
        let task = Task { [weak self] in _ = await self?.enforceDeadlines() }
        state.withLock { $0.timeoutTask = task }
    }

    /// Sleeps until the earliest waiter's deadline and fails the waiters whose time ran out;
    /// ends when nobody waits (deadlines only grow, so the earliest one is the oldest waiter's).
    private func enforceDeadlines() async {
        while true {
            let now = ContinuousClock.now
            let (expired, next) = state.withLock { state -> ([Int], ContinuousClock.Instant?) in
                let expired = state.deadlines.filter { $0.value <= now }.map(\.key)
                let next = state.deadlines.values.filter { $0 > now }.min()
                if expired.isEmpty, next == nil { state.enforcingDeadlines = false }
                return (expired, next)
            }
            for waiterID in expired { failTimedOutWaiter(waiterID) }
            if expired.isEmpty, next == nil { return }
            if let next {
                do { try await Task.sleep(until: next) } catch {
                    state.withLock { $0.enforcingDeadlines = false }
                    return
                }
            }
        }
    }

    private func failTimedOutWaiter(_ waiterID: Int) {
        let timeout = configuration.acquireTimeout
        let statistics = self.statistics
        var message = "no connection became available within \(timeout) (pool size \(configuration.maxConnections): "
            + "\(statistics.inUse) in use, \(statistics.waiting) waiting)"
        var error = PGError(.poolTimeout, message)
        if let cause = state.withLock({ $0.lastConnectError }) {
            message += "; the server refused new connections: \(cause.message)"
            error = PGError(.poolTimeout, message, sqlState: cause.sqlState)
        }
        failWaiter(waiterID, error, markCancelled: false)
        state.withLock { _ = $0.deadlines.removeValue(forKey: waiterID) }
    }

    private func failWaiter(_ waiterID: Int, _ error: PGError, markCancelled: Bool) {
        let waiter = state.withLock { state -> PoolWaiter? in
            guard state.machine.removeWaiter(waiterID) else {
                if markCancelled, state.waiters[waiterID] == nil { state.cancelledWaiters.insert(waiterID) }
                return nil
            }
            return state.takeWaiter(waiterID)
        }
        waiter?.fail(error)
    }

    func release(_ id: Int, _ connection: PGConnection) async {
        var reusable = !connection.isBroken
        if reusable, connection.hasOpenServerTransaction || connection.isInTransaction {
            logger.warning("a connection came back inside a transaction; rolling it back")
            do { try await connection.reset() } catch { reusable = false }
        }
        if reusable, connection.mayHaveSessionState {
            // Settings, a role, temporary tables... from this lease never reach the next one.
            do { try await connection.resetSession() } catch {
                logger.debug("discarding a connection whose session could not be reset: \(error)")
                reusable = false
            }
        }
        giveBack(id, connection, reusable: reusable)
    }

    /// Gives back, right after a statement's reply (on the connection's thread), a connection
    /// that needs nothing done first: open, outside any transaction, with no session state.
    /// False when it needs `release` (its caller then calls it).
    func releaseAfterReply(_ id: Int, _ connection: PGConnection) -> Bool {
        guard connection.isReusableAsIs else { return false }
        giveBack(id, connection, reusable: true)
        return true
    }

    /// The end of every release: the connection is idle again, handed to the first waiter (a
    /// queued statement is sent for it now), or closed.
    private func giveBack(_ id: Int, _ connection: PGConnection, reusable: Bool) {
        let (decision, waiter) = state.withLock { state -> (PoolStateMachine.ReleaseDecision, PoolWaiter?) in
            let decision = state.machine.release(id, reusable: reusable, now: .now)
            switch decision {
            case .handOver(let waiterID): return (decision, state.takeWaiter(waiterID))
            case .close: state.connections[id] = nil
            case .keepIdle: break
            }
            return (decision, nil)
        }
        switch decision {
        case .keepIdle: break
        case .handOver:
            if waiter?.handOver(id, connection, afterReply: releaseAfterReply) == true {
                statementsSentForWaiters.add(1, ordering: .relaxed)
            }
        case .close(let openReplacement):
            Task { await connection.close() }
            if openReplacement { openConnection() }
            notifyShutdownIfDrained()
        }
    }

    private func discard(_ id: Int, _ connection: PGConnection) {
        state.withLock { state in
            state.machine.discardLeased(id)
            state.connections[id] = nil
        }
        Task { await connection.close() }
    }

    private func openConnection() {
        let config = self.config
        let logger = self.logger
        Task { [weak self] in
            do {
                let connection = try await PGConnection.connect(config, logger: logger)
                guard let self else { await connection.close(); return }
                let (id, waiter, closeNow) = self.state.withLock { state -> (Int, PoolWaiter?, Bool) in
                    let id = state.makeID()
                    state.lastConnectError = nil
                    if state.machine.isShuttingDown { state.machine.connectionFailedWhileClosing(); return (id, nil, true) }
                    state.connections[id] = connection
                    let waiterID = state.machine.connectionOpened(id, now: .now)
                    return (id, waiterID.flatMap { state.takeWaiter($0) }, false)
                }
                if closeNow { await connection.close(); self.notifyShutdownIfDrained(); return }
                waiter?.lease(id, connection)
                // The server accepts connections again (after a refusal or a failover): the
                // waiters still queued get connections of their own, one connect at a time.
                if self.state.withLock({ $0.machine.retryConnecting(now: .now) }) { self.openConnection() }
            } catch {
                guard let self else { return }
                self.connectFailed((error as? PGError) ?? PGError(.connectionFailed, "\(error)"))
            }
        }
    }

    /// A connect failed: a permanent failure (authentication, no such database) fails the
    /// waiters now; anything else keeps them queued and retries after a backoff.
    private func connectFailed(_ error: PGError) {
        logger.warning("could not open a pooled connection: \(error.message)")
        let (decision, failing) = state.withLock { state -> (PoolStateMachine.ConnectFailureDecision, [PoolWaiter]) in
            state.lastConnectError = error
            let decision = state.machine.connectionFailed(permanent: Self.isPermanent(error), now: .now)
            guard case .fail(let waiterIDs) = decision else { return (decision, []) }
            return (decision, waiterIDs.compactMap { state.takeWaiter($0) })
        }
        for waiter in failing { waiter.fail(error) }
        if case .retry(let retryAt) = decision { scheduleConnectRetry(at: retryAt) }
        notifyShutdownIfDrained()
    }

    /// Whether retrying a failed connect cannot help.
    static func isPermanent(_ error: PGError) -> Bool {
        if error.kind == .invalidConfiguration { return true }
        guard let state = error.sqlState else { return false }
        return state == .invalidPassword || state == .invalidAuthorizationSpecification || state == .invalidCatalogName
    }

    /// After the backoff, opens a connection if callers still wait for one.
    private func scheduleConnectRetry(at retryAt: ContinuousClock.Instant) {
        let start = state.withLock { state -> Bool in
            defer { state.connectRetryScheduled = true }
            return !state.connectRetryScheduled
        }
        guard start else { return }
        Task { [weak self] in
            var wakeAt = retryAt
            while true {
                try? await Task.sleep(until: wakeAt)
                guard let self else { return }
                let (open, later) = self.state.withLock { state -> (Bool, ContinuousClock.Instant?) in
                    let now = ContinuousClock.now
                    if state.machine.retryConnecting(now: now) { state.connectRetryScheduled = false; return (true, nil) }
                    // Later failures pushed the backoff past this wake-up: sleep until its end.
                    if let due = state.machine.connectRetryDue(now: now) { return (false, due) }
                    state.connectRetryScheduled = false
                    return (false, nil)
                }
                if open { self.openConnection() }
                guard let later else { return }
                wakeAt = later
            }
        }
    }

    /// Closes expired idle connections and opens connections up to the minimum.
    private func maintain() {
        let (expired, toOpen) = state.withLock { state -> ([PGConnection], Int) in
            let ids = state.machine.expiredIdleConnections(now: .now)
            let closing = ids.compactMap { state.connections.removeValue(forKey: $0) }
            return (closing, state.machine.connectionsToOpenForMinimum())
        }
        for connection in expired { Task { await connection.close() } }
        for _ in 0..<toOpen { openConnection() }
    }

    // MARK: Shutdown

    /// Stops handing out connections, fails waiting callers, lets work in progress finish and
    /// closes every connection as it comes back. Returns once all are closed.
    public func shutdown() async {
        let (idle, waiters, maintenance) = state.withLock { state in
            lanesShouldAsk.store(true, ordering: .relaxed)
            let (idleIDs, waiterIDs) = state.machine.shutDown()
            let idle = idleIDs.compactMap { state.connections.removeValue(forKey: $0) }
            let waiters = waiterIDs.compactMap { state.takeWaiter($0) }
            state.timeoutTask?.cancel()
            return (idle, waiters, state.maintenance)
        }
        maintenance?.cancel()
        wakeIdleLanes()
        for waiter in waiters { waiter.fail(PGError(.poolClosed, "the pool is shutting down")) }
        for connection in idle { await connection.close() }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let drained = state.withLock { state -> Bool in
                if state.machine.openCount == 0 && state.machine.connecting == 0 { return true }
                state.shutdownWaiters.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }

    /// Shuts down like `shutdown()`, but when work is still running after `gracePeriod`, cancels
    /// its statements and closes its connections (their callers get errors), then waits at most
    /// a few more seconds for them to come back.
    public func shutdown(gracePeriod: Duration) async {
        let drained = Task { await self.shutdown() }
        if await Self.wait(for: drained, atMost: gracePeriod) { return }
        // The grace period is over: stop what still runs.
        let leased = state.withLock { Array($0.connections.values) }
        logger.warning("shutdown grace period of \(gracePeriod) is over; cancelling work on \(leased.count) connection(s)")
        for connection in leased { await connection.abort() }
        if await !Self.wait(for: drained, atMost: .seconds(5)) {
            logger.warning("connections still lent out after the shutdown grace period; not waiting for them")
        }
    }

    /// Whether `task` finished within `limit` (it goes on either way).
    private static func wait(for task: Task<Void, Never>, atMost limit: Duration) async -> Bool {
        final class Once: Sendable {
            let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)
            func resume(_ value: Bool) { continuation.withLock { $0.take() }?.resume(returning: value) }
        }
        let once = Once()
        return await withCheckedContinuation { continuation in
            once.continuation.withLock { $0 = continuation }
            Task { await task.value; once.resume(true) }
            Task { try? await Task.sleep(for: limit); once.resume(false) }
        }
    }

    private func notifyShutdownIfDrained() {
        let waiters = state.withLock { state -> [UnsafeContinuation<Void, Never>] in
            guard state.machine.isShuttingDown, state.machine.openCount == 0, state.machine.connecting == 0 else { return [] }
            defer { state.shutdownWaiters = [] }
            return state.shutdownWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
