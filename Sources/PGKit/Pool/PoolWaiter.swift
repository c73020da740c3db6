import Synchronization

/// A caller in a pool's queue: waiting for a connection of its own, or (`pool.query`,
/// `pool.execute`) with the statement it will run on one.
///
/// A queued statement is sent by whoever gives a connection back, the moment it does (the
/// connection's own thread right after reading a reply, or a task releasing its lease): the
/// waiting task is then resumed once, with the reply, instead of once to be handed the
/// connection and once more for the reply.
struct PoolWaiter: Sendable {
    /// What a waiter gets.
    enum Handover: Sendable {
        /// A connection lent to the waiter; a queued statement runs on it as usual.
        case leased(id: Int, PGConnection)
        /// The queued statement ran on the connection.
        case answered(id: Int, PGConnection, StatementAnswer)
    }

    let continuation: UnsafeContinuation<Handover, any Error>
    /// The statement the waiter will run, when it waits for one statement's connection.
    let statement: QueuedStatement?

    /// Lends the waiter `connection`.
    func lease(_ id: Int, _ connection: PGConnection) {
        continuation.resume(returning: .leased(id: id, connection))
    }

    /// Fails the wait.
    func fail(_ error: any Error) {
        continuation.resume(throwing: error)
    }

    /// Gives the waiter `connection`, just given back in a reusable state: a queued statement
    /// is sent now, from this thread, and its task resumed with the reply, after `afterReply`
    /// (on the connection's thread) tried to give the connection back; anything else (or a
    /// statement that cannot be sent that way) gets the connection lent. True when it was sent.
    @discardableResult
    func handOver(_ id: Int, _ connection: PGConnection,
                  afterReply: @escaping @Sendable (Int, PGConnection) -> Bool) -> Bool {
        // A connection that records spans runs the statement in its caller's task, inside one,
        // unless the caller has its span open already.
        if let statement, connection.instruments == nil || statement.isMeasuredByCaller, !connection.hasUnexpectedInput {
            let continuation = self.continuation
            let sent = statement.send(on: connection, id: id, afterReply: afterReply) { answer in
                continuation.resume(returning: .answered(id: id, connection, answer))
            }
            if sent { return true }
        }
        lease(id, connection)
        return false
    }
}

/// What a statement sent for a pool's caller returned, and whether its connection went back
/// to the pool already (right after the reply, on the connection's thread).
struct StatementAnswer: Sendable {
    var result: Result<PGResultStorage, PGError>
    var released: Bool
    /// When it was sent, for a statement whose caller measures it (its wait for a connection
    /// ends then).
    var sentAt: ContinuousClock.Instant?
}

/// A statement sent (or waiting to be sent) for a pool's caller, and where it is: a cancel of
/// its task takes it out of the queue before it is sent, goes to the server while it runs, and
/// does nothing once it is answered.
final class QueuedStatement: Sendable {
    let query: PGQuery
    /// The caller has a span and timer open for it (the pool records them): the connection's
    /// own are not used, and the time it is sent is noted.
    let isMeasuredByCaller: Bool

    private enum Progress {
        case queued
        case sent(PGConnection, job: UInt64)
        case cancelled
        case finished
    }

    private let progress = Mutex(Progress.queued)

    init(_ query: PGQuery, measuredByCaller: Bool = false) {
        self.query = query
        isMeasuredByCaller = measuredByCaller
    }

    /// Sends it on `connection` (lent to its caller as `id`) from this thread; once the reply
    /// is in, on the connection's thread, `afterReply` tries to give the connection back and
    /// `deliver` gets the answer. False when nothing was sent (its task was cancelled, or the
    /// connection could not send it this way): the caller then runs it on the connection.
    /// `collectsHere`: its own task sends it, and may read a quick reply itself (then both
    /// closures run on this thread before this returns).
    func send(on connection: PGConnection, id: Int, collectsHere: Bool = false,
              afterReply: @escaping @Sendable (Int, PGConnection) -> Bool,
              deliver: @escaping @Sendable (StatementAnswer) -> Void) -> Bool {
        guard let job = markSent(on: connection) else { return false }
        let sentAt: ContinuousClock.Instant? = isMeasuredByCaller ? .now : nil
        let sent = connection.send(onBehalf: query, job: job, collectsHere: collectsHere) { [self] result in
            finish()
            let released = afterReply(id, connection)
            deliver(StatementAnswer(result: result, released: released, sentAt: sentAt))
        }
        if !sent { finish() }
        return sent
    }

    /// The job to send it as on `connection`; nil when its task was cancelled.
    private func markSent(on connection: PGConnection) -> UInt64? {
        let job = connection.makeJobID()
        return progress.withLock { progress in
            if case .cancelled = progress { return nil }
            progress = .sent(connection, job: job)
            return job
        }
    }

    /// It was answered, or will not be sent this way after all: a later cancel does nothing,
    /// and one that came in between is forgotten by the connection.
    func finish() {
        let sent = progress.withLock { progress -> (PGConnection, UInt64)? in
            defer { progress = .finished }
            if case .sent(let connection, let job) = progress { return (connection, job) }
            return nil
        }
        // After the state changed: a cancel that saw `.sent` has reached the connection.
        if let (connection, job) = sent { connection.forgetCancel(job: job) }
    }

    /// Its task was cancelled. False while it is queued (the caller takes it out of the queue);
    /// true once sent (the cancel goes to the server, or stops it before it starts) or done.
    func cancel() -> Bool {
        progress.withLock { progress in
            switch progress {
            case .queued, .cancelled:
                progress = .cancelled
                return false
            case .sent(let connection, let job):
                // Under the lock, so that `finish` cannot slip in between and leave it behind.
                connection.cancel(job: job)
                return true
            case .finished:
                return true
            }
        }
    }
}
