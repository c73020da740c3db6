import Foundation

/// `pool.query` and `pool.execute`: a statement's task is resumed
/// once, with the reply, and the connection goes back to the pool on its own thread the moment
/// the reply is in, before that task even runs again.
///
/// - With an idle connection the caller sends its statement from its own thread; the
///   connection's thread collects the reply, gives the connection back (handing it to the
///   first caller in the queue, whose statement it sends at once), then resumes the caller.
/// - Without one the statement waits in the queue with its task (`PoolWaiter`), and whoever
///   gives a connection back sends it.
/// A statement that cannot go this way (not prepared on that connection yet, a cancel still on
/// its way) runs as `PGConnection.query` runs it, on the connection lent to its task.
///
/// With spans or metrics recorded, the caller's task opens the statement's span and timer
/// around all of it (as for a pipelined statement: from the call to the answer), and the wait
/// for a connection has its own acquire span and timer, which end when the statement is sent.
extension PGPool {
    func statement(_ query: PGQuery) async throws -> PGResultStorage {
        if let statementInstruments { return try await measuredStatement(query, statementInstruments) }
        return try await handedOver(query, measured: false)
    }

    /// `handedOver` inside its span and timer, the pool's gauges updated after.
    @inline(never)
    private func measuredStatement(_ query: PGQuery, _ instruments: StatementInstruments) async throws -> PGResultStorage {
        defer { recordStatistics() }
        return try await instruments.measure(StatementOperation(sql: query.sql), sql: query.sql, parameters: query.parameters) {
            try await handedOver(query, measured: true)
        }
    }

    /// Runs `query` on a connection of the pool, sent for this task when it can be. `measured`:
    /// the caller has the statement's span open, so the connection's own is not used.
    private func handedOver(_ query: PGQuery, measured: Bool) async throws -> PGResultStorage {
        let (id, connection, queued) = try await acquireForStatement(query, measured: measured)
        var answer = queued
        // A connection that records spans (set up after the pool was) runs it inside one.
        if answer == nil, measured || connection.instruments == nil {
            answer = await send(query, onLeased: connection, id: id, measured: measured)
        }
        if let answer {
            if !answer.released { await release(id, connection) }
            return try answer.result.get()
        }
        do {
            let storage = measured ? try await connection.performUninstrumented(query) : try await connection.query(query).storage
            await release(id, connection)
            return storage
        } catch {
            await release(id, connection)
            throw error
        }
    }

    /// `acquire(queueing:)`, inside the acquire span and timer when the pool records them (the
    /// wait ends when the statement is sent for this task, or when a connection is lent to it).
    private func acquireForStatement(_ query: PGQuery, measured: Bool) async throws -> (Int, PGConnection, StatementAnswer?) {
        guard measured, let instruments else { return try await acquire(queueing: query) }
        return try await instruments.measureAcquire(endingAt: { $0.2?.sentAt }) {
            try await acquire(queueing: query, measuredByCaller: true)
        }
    }

    /// Sends `query` on the connection lent to this task, from its own thread; nil when it
    /// cannot go that way (the caller runs it as a connection does).
    private func send(_ query: PGQuery, onLeased connection: PGConnection, id: Int, measured: Bool) async -> StatementAnswer? {
        if Task.isCancelled { return nil }  // the connection's own path reports the cancel
        let statement = QueuedStatement(query, measuredByCaller: measured)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<StatementAnswer?, Never>) in
                // Its own statement: a reply quick enough is read on this thread, and the task
                // goes on without a hand-off to the connection's thread and back.
                let sent = statement.send(on: connection, id: id, collectsHere: true, afterReply: releaseAfterReply) { answer in
                    continuation.resume(returning: answer)
                }
                if !sent { continuation.resume(returning: nil) }
            }
        } onCancel: {
            _ = statement.cancel()
        }
    }
}
