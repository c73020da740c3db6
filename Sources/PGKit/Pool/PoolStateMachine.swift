/// Every decision the pool makes, as a plain value: which connection a caller gets, when to
/// open or close connections, who waits and in what order. No I/O happens here, so unit tests
/// drive it directly; `PGPool` performs the actions it returns.
struct PoolStateMachine {
    typealias ConnectionID = Int
    typealias WaiterID = Int

    struct Limits {
        var minimum: Int
        var maximum: Int
        var idleTimeout: Duration?
        var maxLifetime: Duration?
    }

    private struct Slot {
        var leased: Bool
        var idleSince: ContinuousClock.Instant
        let createdAt: ContinuousClock.Instant
    }

    let limits: Limits
    private var slots: [ConnectionID: Slot] = [:]
    /// Idle connections, most recently used last (reused first: its socket and caches are warm).
    private var idle: [ConnectionID] = []
    /// Waiting callers, first come first served.
    private var waiters: [WaiterID] = []
    private(set) var connecting = 0
    private(set) var isShuttingDown = false
    /// While the server refuses connections: how many failed in a row, the most connections
    /// to hold meanwhile (what was open when it started refusing), and when the next attempt
    /// may go out. Waiters stay queued; connections that free up serve them.
    private(set) var consecutiveConnectFailures = 0
    private(set) var refusalCeiling: Int?
    private(set) var nextConnectAttempt: ContinuousClock.Instant?
    /// Draws the jitter of connect backoffs (seeded in tests).
    var jitter: @Sendable () -> Double = { Double.random(in: 0.5...1.0) }

    init(limits: Limits) { self.limits = limits }

    /// The first retry after a refused connect waits this long; each further one twice as
    /// long, up to `maximumConnectBackoff`, times a random factor between 0.5 and 1.
    static let initialConnectBackoff: Duration = .milliseconds(50)
    static let maximumConnectBackoff: Duration = .seconds(5)

    enum AcquireDecision: Equatable {
        /// Use this idle connection; `idleFor` lets the pool health-check long-idle ones.
        case lease(ConnectionID, idleFor: Duration)
        /// Wait in line; open a connection first when `openConnection` is set.
        case wait(openConnection: Bool)
        case poolClosed
    }

    /// `freeingSoon` counts leased connections about to come back without anyone waiting for
    /// them to (statement lanes with nothing to do, woken to give theirs back): a waiter they
    /// can serve opens no connection.
    mutating func acquire(_ waiter: WaiterID, now: ContinuousClock.Instant, freeingSoon: Int = 0) -> AcquireDecision {
        if isShuttingDown { return .poolClosed }
        if waiters.isEmpty, let id = idle.popLast() {
            slots[id]!.leased = true
            return .lease(id, idleFor: now - slots[id]!.idleSince)
        }
        waiters.append(waiter)
        return .wait(openConnection: reserveConnectionIfNeeded(now: now, freeingSoon: freeingSoon))
    }

    /// Leases an idle connection when one is free and nobody waits; nil otherwise (the caller
    /// then queues with `acquire`). Lets the pool skip suspending the task in the common case.
    mutating func leaseIfIdle(now: ContinuousClock.Instant) -> (id: ConnectionID, idleFor: Duration)? {
        guard !isShuttingDown, waiters.isEmpty, let id = idle.popLast() else { return nil }
        slots[id]!.leased = true
        return (id, now - slots[id]!.idleSince)
    }

    /// The idle connection `leaseIfIdle` would lend, and how long it has been idle, without
    /// lending it.
    func nextIdle(now: ContinuousClock.Instant) -> (id: ConnectionID, idleFor: Duration)? {
        guard !isShuttingDown, waiters.isEmpty, let id = idle.last, let slot = slots[id] else { return nil }
        return (id, now - slot.idleSince)
    }

    /// Counts a connection as being opened when waiters outnumber connections on the way,
    /// within the maximum and, while the server refuses, within what it accepted (one probe
    /// at a time, once the backoff has passed).
    private mutating func reserveConnectionIfNeeded(now: ContinuousClock.Instant, freeingSoon: Int = 0) -> Bool {
        guard waiters.count > connecting + freeingSoon, slots.count + connecting < openTarget(now: now) else { return false }
        connecting += 1
        return true
    }

    /// How many connections the pool may hold or be opening right now.
    private func openTarget(now: ContinuousClock.Instant) -> Int {
        guard let ceiling = refusalCeiling else { return limits.maximum }
        if let next = nextConnectAttempt, now < next { return min(limits.maximum, slots.count + connecting) }
        // The backoff has passed: one attempt beyond what is open, none while one is on its way.
        return connecting > 0 ? slots.count + connecting : min(limits.maximum, max(ceiling, slots.count) + 1)
    }

    /// Reserves connections to open so the pool holds at least `minimum`.
    mutating func connectionsToOpenForMinimum(now: ContinuousClock.Instant = .now) -> Int {
        guard !isShuttingDown else { return 0 }
        let missing = max(0, min(limits.minimum, openTarget(now: now)) - slots.count - connecting)
        connecting += missing
        return missing
    }

    /// After a backoff has passed: whether to try opening a connection for the waiters now.
    mutating func retryConnecting(now: ContinuousClock.Instant) -> Bool {
        guard !isShuttingDown else { return false }
        return reserveConnectionIfNeeded(now: now)
    }

    /// While waiters still need a connection that the backoff holds back: when it ends. Several
    /// connects failing at once each push the backoff further, so a retry scheduled for the
    /// first one's end must wait again until this instant (or nobody would connect again).
    func connectRetryDue(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard !isShuttingDown, waiters.count > connecting, let next = nextConnectAttempt, now < next else { return nil }
        return next
    }

    enum ReleaseDecision: Equatable {
        case keepIdle
        case handOver(to: WaiterID)
        /// Close it; open a replacement when `openReplacement` is set (someone is waiting).
        case close(openReplacement: Bool)
    }

    mutating func release(_ id: ConnectionID, reusable: Bool, now: ContinuousClock.Instant) -> ReleaseDecision {
        guard let slot = slots[id] else { return .close(openReplacement: false) }
        let expired = limits.maxLifetime.map { now - slot.createdAt >= $0 } ?? false
        if !reusable || expired || isShuttingDown {
            slots[id] = nil
            return .close(openReplacement: !isShuttingDown && reserveConnectionIfNeeded(now: now))
        }
        if !waiters.isEmpty {
            return .handOver(to: waiters.removeFirst())
        }
        slots[id]!.leased = false
        slots[id]!.idleSince = now
        idle.append(id)
        return .keepIdle
    }

    /// A new connection is open: the first waiter gets it, or it becomes idle.
    mutating func connectionOpened(_ id: ConnectionID, now: ContinuousClock.Instant) -> WaiterID? {
        connecting -= 1
        consecutiveConnectFailures = 0
        refusalCeiling = nil
        nextConnectAttempt = nil
        slots[id] = Slot(leased: !waiters.isEmpty, idleSince: now, createdAt: now)
        if !waiters.isEmpty { return waiters.removeFirst() }
        idle.append(id)
        return nil
    }

    /// What to do after a connect failed.
    enum ConnectFailureDecision: Equatable {
        /// The server refuses for now (too many clients, starting up, unreachable): waiters
        /// stay queued until their acquire timeout; try again at `retryAt` if still needed.
        case retry(at: ContinuousClock.Instant)
        /// Retrying cannot help (authentication failed, no such database): these waiters get
        /// the error now.
        case fail(waiters: [WaiterID])
    }

    /// Opening a connection failed. A transient failure keeps everyone waiting and backs off
    /// (exponentially, with jitter, capped), lowering the open-connection target to what is
    /// open; a permanent one fails every waiter with its cause.
    mutating func connectionFailed(permanent: Bool, now: ContinuousClock.Instant) -> ConnectFailureDecision {
        connecting -= 1
        if permanent {
            let failing = waiters
            waiters = []
            return .fail(waiters: failing)
        }
        refusalCeiling = min(refusalCeiling ?? slots.count, slots.count)
        // A connect that was already on its way when an earlier one failed (several open at
        // once, as when a failover breaks every connection) is the same refusal, not the next
        // step of the backoff: counted as steps, eight of them would reach the 5 s cap at once.
        if let next = nextConnectAttempt, now < next { return .retry(at: next) }
        consecutiveConnectFailures += 1
        let exponent = min(consecutiveConnectFailures - 1, 16)
        let backoff = min(Self.initialConnectBackoff * (1 << exponent), Self.maximumConnectBackoff) * jitter()
        let retryAt = now + backoff
        nextConnectAttempt = retryAt
        return .retry(at: retryAt)
    }

    /// A connection finished opening after shutdown began; it is closed, not kept.
    mutating func connectionFailedWhileClosing() {
        connecting -= 1
    }

    /// Removes a waiter that timed out or was cancelled; false when it was already served.
    mutating func removeWaiter(_ waiter: WaiterID) -> Bool {
        guard let index = waiters.firstIndex(of: waiter) else { return false }
        waiters.remove(at: index)
        return true
    }

    /// Removes a leased connection that turned out to be dead during a health check.
    mutating func discardLeased(_ id: ConnectionID) {
        slots[id] = nil
    }

    /// Idle connections past their idle timeout or lifetime, keeping at least `minimum` open.
    mutating func expiredIdleConnections(now: ContinuousClock.Instant) -> [ConnectionID] {
        var closing: [ConnectionID] = []
        for id in idle {
            guard let slot = slots[id] else { continue }
            let lifetimeOver = limits.maxLifetime.map { now - slot.createdAt >= $0 } ?? false
            let idleOver = limits.idleTimeout.map { now - slot.idleSince >= $0 } ?? false
            let keepForMinimum = slots.count - closing.count <= limits.minimum
            if lifetimeOver || (idleOver && !keepForMinimum) { closing.append(id) }
        }
        for id in closing { slots[id] = nil }
        idle.removeAll { closing.contains($0) }
        return closing
    }

    /// Stops accepting work: returns the idle connections to close and the waiters to fail.
    mutating func shutDown() -> (idle: [ConnectionID], waiters: [WaiterID]) {
        isShuttingDown = true
        let closing = idle
        for id in closing { slots[id] = nil }
        idle = []
        let failing = waiters
        waiters = []
        return (closing, failing)
    }

    var openCount: Int { slots.count }
    var idleCount: Int { idle.count }
    var leasedCount: Int { slots.count - idle.count }
    var waitingCount: Int { waiters.count }
}
