import Foundation

/// `pool.query` and `pool.execute` without spans or metrics: a statement's task is resumed
/// once, with the reply, and the connection goes back to the pool on its own thread the moment
/// the reply is in, before that task even runs again.
///
/// - With an idle connection the caller sends its statement from its own thread; the
///   connection's thread collects the reply, gives the connection back (handing it to the
///   first caller in the queue, whose statement it sends at once), then resumes the caller.
/// - Without one the statement waits in the queue with its task (`PoolWaiter`), and whoever
///   gives a connection back sends it.
/// A statement that cannot go this way (not prepared on that connection yet, a cancel still on
/// its way) runs as `PGConnection.query` runs it, on the connection lent to its task. With spans
/// or metrics recorded the statement takes that path too, inside its caller's span.
extension PGPool {
    func statement(_ query: PGQuery) async throws -> PGResultStorage {
        guard !recordsInstruments else { return try await withConnection { try await $0.query(query) }.storage }
        let (id, connection, queued) = try await acquire(queueing: query)
        var answer = queued
        // A connection that records spans (set up after the pool was) runs it inside one.
        if answer == nil, connection.instruments == nil { answer = await send(query, onLeased: connection, id: id) }
        if let answer {
            if !answer.released { await release(id, connection) }
            return try answer.result.get()
        }
        do {
            let storage = try await connection.query(query).storage
            await release(id, connection)
            return storage
        } catch {
            await release(id, connection)
            throw error
        }
    }

    /// Sends `query` on the connection lent to this task, from its own thread; nil when it
    /// cannot go that way (the caller runs it as a connection does).
    private func send(_ query: PGQuery, onLeased connection: PGConnection, id: Int) async -> StatementAnswer? {
        if Task.isCancelled { return nil }  // the connection's own path reports the cancel
        let statement = QueuedStatement(query)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<StatementAnswer?, Never>) in
                let sent = statement.send(on: connection, id: id, afterReply: releaseAfterReply) { answer in
                    continuation.resume(returning: answer)
                }
                if !sent { continuation.resume(returning: nil) }
            }
        } onCancel: {
            _ = statement.cancel()
        }
    }
}
