import Foundation
import Synchronization

/// Independent autocommit statements of many tasks sharing the pool's connections in libpq's
/// pipeline mode (see `StatementLane`): a connection lent to a lane carries every statement
/// sent to it, each with its own sync point, until nothing is queued or in flight; then it
/// returns to the pool. Transactions and other exclusive users are served first: while one
/// waits, statements take the exclusive path too, so lanes drain and hand their connections on.
extension PGPool {
    /// Where a statement goes.
    enum LaneChoice {
        /// An existing lane.
        case join(StatementLane)
        /// A lane made now on an idle connection; its loop must be started.
        case start(StatementLane, id: Int, PGConnection)
        /// Take a connection of its own (the usual way).
        case exclusive
    }

    /// Runs `query` through a lane; nil when it should take the exclusive path instead.
    func pipelined(_ query: PGQuery) async throws -> PGResultStorage? {
        guard configuration.pipelinesStatements, !config.usesUnnamedStatements,
              SessionEffectsCache.shared.mayShareConnection(query.sql) else { return nil }
        if Task.isCancelled { throw PGError(.cancelled, "the task was cancelled before the statement was sent") }
        guard let first = nextLane() else { return nil }
        // One span and one timing per statement, however many lanes retired before one took it.
        guard let statementInstruments else { return try await run(query, startingWith: first) }
        return try await statementInstruments.measure(StatementOperation(sql: query.sql), sql: query.sql, parameters: query.parameters,
                                                 attributes: { $0["db.pgkit.pipelined"] = true }) {
            try await run(query, startingWith: first)
        }
    }

    /// A lane to send a statement to, started now when it is new; nil for the exclusive path.
    private func nextLane() -> StatementLane? {
        switch chooseLane() {
        case .exclusive:
            return nil
        case .join(let existing):
            return existing
        case .start(let fresh, let id, let connection):
            connection.runStatementLane(fresh, linger: Self.laneLinger,
                                        shouldStop: { [weak self] lingered in self?.laneMayStop(id, fresh, connection, lingered: lingered) ?? true },
                                        onExit: { [weak self] error in self?.laneEnded(id, fresh, connection, error) })
            return fresh
        }
    }

    /// Sends `query` through `lane`, and through the next lane when that one retired before
    /// sending it; when no lane is left, on a connection of its own (inside the span already
    /// open for it, so not instrumented again).
    private func run(_ query: PGQuery, startingWith first: StatementLane) async throws -> PGResultStorage {
        var lane = first
        while true {
            do {
                return try await lane.submit(query)
            } catch is StatementLane.Retired {
                guard let next = nextLane() else {
                    return try await withConnection { try await $0.performUninstrumented(query) }
                }
                lane = next
            } catch let error as PGError where (error.kind == .connectionLost || error.kind == .timedOut)
                && StatementOutcome.mayWrite(query.sql) {
                // Sent, and no answer: it committed by itself or not at all.
                throw error.outcomeUnknown(after: "a write outside a transaction")
            }
        }
    }

    /// An idle lane first; else a new lane on an idle connection that needs no health check;
    /// else the least busy lane; else the exclusive path (which opens connections as needed).
    private func chooseLane() -> LaneChoice {
        withState { state in
            // Exclusive callers are waiting: leave the connections to them.
            guard state.machine.waitingCount == 0 else { return .exclusive }
            var best: StatementLane?
            var bestLoad = Int.max
            for lane in state.lanes.values {
                let load = lane.outstanding
                if load < bestLoad { best = lane; bestLoad = load }
            }
            if let best, bestLoad == 0 { return .join(best) }
            if let (id, connection) = state.leaseIdleForLane(healthCheckAfter: configuration.healthCheckAfterIdle) {
                let lane = connection.makeStatementLane()
                state.lanes[id] = lane
                return .start(lane, id: id, connection)
            }
            if let best { return .join(best) }
            return .exclusive
        }
    }

    /// How long a lane with nothing to do keeps its connection for the next statement before
    /// giving it back (at once when an exclusive caller waits or the pool shuts down): starting
    /// a lane costs a thread hand-off and pipeline-mode set-up, and under load the next
    /// statement comes within microseconds.
    static let laneLinger: Duration = .milliseconds(2)

    /// Asked by a lane's loop when nothing is queued (before it answers its last statement,
    /// and while it waits for more): when an exclusive caller waits, the pool shuts down, or
    /// the lane has been idle for `laneLinger` (`lingered`), retires the lane (no statement
    /// can join it any more) and gives its connection back to the pool at once, unless a
    /// statement just arrived.
    private func laneMayStop(_ id: Int, _ lane: StatementLane, _ connection: PGConnection, lingered: Bool) -> Bool {
        // The common answer, without the lock: nobody waits for a connection of its own and
        // the pool is not shutting down (`lanesShouldAsk` is set under the lock whenever
        // either starts), and the lane has not lingered. A lane whose connection was given
        // back after an error ends by its own loop's error, not here.
        if !lingered, !lanesShouldAsk.load(ordering: .relaxed) { return false }
        let (stop, waiter, openReplacement) = withState { state -> (Bool, PoolWaiter?, Bool) in
            // Not this lane's connection any more (it was given back after an error): stop
            // without giving it back again.
            guard state.lanes[id] === lane else { return (true, nil, false) }
            let others = state.machine.waitingCount > 0 || state.machine.isShuttingDown
            if !others { lanesShouldAsk.store(false, ordering: .relaxed) }
            guard lingered || others else { return (false, nil, false) }
            guard lane.retireIfIdle() else { return (false, nil, false) }
            state.lanes[id] = nil
            let (waiter, openReplacement) = state.returnLaneConnection(id, reusable: !connection.isBroken)
            return (true, waiter, openReplacement)
        }
        waiter?.lease(id, connection)
        if stop { afterLaneReturn(openReplacement: openReplacement) }
        return stop
    }

    /// Wakes the lanes that wait for statements, so they give their connections back now (an
    /// exclusive caller waits, or the pool shuts down); returns how many there were.
    @discardableResult
    func wakeIdleLanes() -> Int {
        let idle = withState { state in state.lanes.values.filter { $0.outstanding == 0 } }
        for lane in idle { lane.wakeLoop() }
        return idle.count
    }

    /// A lane's loop ended. After an error its connection is still lent to it: it goes back to
    /// the pool now (discarded, since it broke).
    /// A lane that retired normally gave its connection back already, and the connection may
    /// carry a newer lane by now: only this lane's own registration is removed.
    private func laneEnded(_ id: Int, _ lane: StatementLane, _ connection: PGConnection, _ error: PGError?) {
        let stillLent = withState { state -> Bool in
            guard state.lanes[id] === lane else { return false }
            state.lanes[id] = nil
            return true
        }
        if stillLent { Task { await self.releaseFromLane(id, connection) } }
    }
}

/// Whether a statement may share a connection with other tasks' statements, remembered per
/// SQL text (the pool asks for every statement): a plain query or data change (SELECT,
/// INSERT, UPDATE, DELETE, WITH, VALUES, TABLE, MERGE) that leaves no session state
/// (`SessionEffects`). Transaction control, locks, COPY and anything else keep a connection
/// to themselves.
final class SessionEffectsCache: Sendable {
    static let shared = SessionEffectsCache()
    private let known = StateLock<[String: Bool]>([:])
    private static let shareable: Set<String> = ["select", "insert", "update", "delete", "with", "values", "table", "merge"]

    func mayShareConnection(_ sql: String) -> Bool {
        if let known = known.withLock({ $0[sql] }) { return known }
        var tokens = SQLTokenizer(sql)
        var first = tokens.next()
        while first == .symbol(0x28) { first = tokens.next() }  // (SELECT ...)
        var shareable = false
        if case .word(let word)? = first, Self.shareable.contains(word), !sql.contains(";") || SQLTokenizer.isSingleStatement(sql) {
            shareable = SessionEffects.of(sql).isEmpty
        }
        known.withLock { known in
            if known.count >= 4096 { known.removeAll(keepingCapacity: true) }
            known[sql] = shareable
        }
        return shareable
    }
}
