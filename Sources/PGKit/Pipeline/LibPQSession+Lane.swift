import CLibPQ
import Foundation

extension LibPQSession {
    /// A statement of the lane that was sent and is waiting for its results.
    private struct InFlight {
        let id: UInt64
        let sql: String
        let key: StatementCache.Key?
        let metadata: PGResultMetadata?
        /// The statement is prepared in the same segment: its first result is the prepare's.
        var preparing: Bool
        var result: PGResultStorage?
        var error: PGError?
    }

    /// Runs `lane` on this connection in pipeline mode, on the connection thread (only for
    /// plain statements that leave no session state and open no transaction: the pool
    /// checks): sends each statement as it arrives with a sync point of its own, reads results
    /// without blocking (polling the socket and the lane's wake pipe), and answers each caller
    /// in order. `shouldStop` is asked before the last statement in flight is answered while
    /// nothing is queued (so that, when the pool wants the connection, it is back before that
    /// caller goes on), and while the loop waits for more, with whether it has waited `linger`;
    /// the loop returns once it agreed, or with the error that broke the connection (for the
    /// caller to close the lane with). A connection found dead before anything was sent makes
    /// every caller dispatch again (`StatementLane.Retired`).
    func runLane(_ lane: StatementLane, linger: Duration, shouldStop: (_ lingered: Bool) -> Bool) -> PGError? {
        guard let connection else { return PGError(.connectionClosed, "the connection is closed") }
        // A running lane has statements in flight: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        // A server that ended the session while the connection was idle (pg_terminate_backend,
        // a restart) has said so on the socket: read it before sending anything.
        if PQconsumeInput(connection) == 0 || isBroken {
            lane.closeForRetry()
            return connectionError(query: nil)
        }
        clearLingeringSingleRowMode()
        guard PQenterPipelineMode(connection) == 1 else { return connectionError(query: nil) }
        PQsetnonblocking(connection, 1)
        defer {
            PQsetnonblocking(connection, 0)
            PQexitPipelineMode(connection)
        }
        var inFlight: [InFlight] = []
        var head = 0
        var bindings = PGBindings(types: types)
        var flushPending = false
        var deferred: [StatementLane.Entry] = []
        var stopping = false
        /// When the loop last had nothing queued or in flight.
        var idleSince: ContinuousClock.Instant?
        // Several statements sent together leave in as few packets as fit (libpq flushes at
        // every sync point): the socket is corked while they are written.
        var socketCorks = true
        /// The callers answered by what one read brought, answered together.
        var answers: [(id: UInt64, result: Result<PGResultStorage, PGError>)] = []

        // The caller of `runLane` closes the lane with the error (after turning a time-out
        // into `.timedOut`), which fails everyone still waiting.
        func fail(_ error: PGError) -> PGError { error }

        while true {
            // 1. Send what arrived. A statement naming an extension type this connection has not
            // looked up waits until nothing is in flight (the lookup is a query of its own).
            var arrivals = deferred + lane.takePending()
            deferred = []
            var reloaded = false
            if !arrivals.isEmpty, head == inFlight.count,
               arrivals.contains(where: { PGBindings.usesUnknownExtensionTypes($0.query.parameters, types: types) }) {
                PQexitPipelineMode(connection)
                PQsetnonblocking(connection, 0)
                do { try loadExtensionTypes() } catch { return fail(error) }
                PQsetnonblocking(connection, 1)
                guard PQenterPipelineMode(connection) == 1 else { return fail(connectionError(query: nil)) }
                bindings = PGBindings(types: types)
                reloaded = true
            }
            var sentAny = false
            let corked = socketCorks && arrivals.count > 1 && setCork(true)
            if arrivals.count > 1, !corked { socketCorks = false }  // not TCP: don't try again
            while !arrivals.isEmpty {
                let entry = arrivals.removeFirst()
                // Still unknown after a lookup: encoding says the type is not installed.
                if !reloaded, PGBindings.usesUnknownExtensionTypes(entry.query.parameters, types: types) {
                    deferred.append(entry)
                    continue
                }
                do {
                    try bindings.encode(entry.query.parameters)
                } catch {
                    lane.answer(entry.id, with: .failure(error))
                    continue
                }
                var name: String?
                var key: StatementCache.Key?
                var metadata: PGResultMetadata?
                var preparing = false
                if statements.capacity > 0, StatementCache.isCacheable(entry.query.sql) {
                    let cacheKey = StatementCache.Key(sql: entry.query.sql, parameterTypes: bindings.oids)
                    key = cacheKey
                    if let cached = statements.lookup(cacheKey) {
                        name = cached.name
                        metadata = cached.metadata
                    } else {
                        let (fresh, evicted) = statements.insert(cacheKey)
                        if let evicted {
                            // Its own segment, answered by nobody.
                            guard PQsendQueryParams(connection, "DEALLOCATE \(evicted)", 0, nil, nil, nil, nil, 1) == 1,
                                  PQpipelineSync(connection) == 1 else { return fail(connectionError(query: nil)) }
                            inFlight.append(InFlight(id: 0, sql: "DEALLOCATE", key: nil, metadata: nil, preparing: false))
                        }
                        let prepared = cacheKey.parameterTypes.withUnsafeBufferPointer { oids in
                            PQsendPrepare(connection, fresh, cacheKey.sql, Int32(oids.count), oids.baseAddress)
                        }
                        guard prepared == 1 else { return fail(connectionError(query: entry.query.sql)) }
                        name = fresh
                        preparing = true
                    }
                }
                guard sendBound(entry.query.sql, preparedName: name, bindings), PQpipelineSync(connection) == 1 else {
                    return fail(connectionError(query: entry.query.sql))
                }
                inFlight.append(InFlight(id: entry.id, sql: entry.query.sql, key: key, metadata: metadata, preparing: preparing))
                lane.markSent(entry.id)
                sentAny = true
            }
            if sentAny || flushPending {
                let flushed = PQflush(connection)
                if flushed < 0 { return fail(connectionError(query: nil)) }
                flushPending = flushed == 1
            }
            if corked { _ = setCork(false) }

            // 2. Read what has arrived, answering callers in order.
            if head < inFlight.count {
                if PQconsumeInput(connection) == 0 { return fail(connectionError(query: nil)) }
                var ends = 0
                while head < inFlight.count, PQisBusy(connection) == 0 {
                    guard let result = PQgetResult(connection) else {
                        ends += 1
                        if ends > 1 { break }  // nothing more has arrived
                        continue
                    }
                    ends = 0
                    switch PQresultStatus(result) {
                    case PGRES_PIPELINE_SYNC:
                        PQclear(result)
                        let item = inFlight[head]
                        head += 1
                        madeProgress()
                        if item.id == 0 { continue }
                        // The last one, with nothing queued: give the connection back first.
                        if head == inFlight.count, deferred.isEmpty, !flushPending, !lane.hasPending, shouldStop(false) { stopping = true }
                        if let error = item.error {
                            if let key = item.key, item.preparing || error.sqlState == PGSQLState(rawValue: "0A000")
                                || error.sqlState == PGSQLState(rawValue: "26000") {
                                statements.remove(key)
                            }
                            answers.append((item.id, .failure(error)))
                        } else if let storage = item.result {
                            if let key = item.key, item.metadata == nil { statements.setMetadata(storage.metadata, for: key) }
                            answers.append((item.id, .success(storage)))
                        } else {
                            answers.append((item.id, .failure(connectionError(query: item.sql))))
                        }
                    case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                        if inFlight[head].preparing {
                            inFlight[head].preparing = false  // the prepare's reply; the statement's comes next
                            PQclear(result)
                        } else {
                            inFlight[head].result = PGResultStorage(handle: result, context: decodingContext, metadata: inFlight[head].metadata)
                        }
                    case PGRES_PIPELINE_ABORTED:
                        PQclear(result)
                    default:
                        if inFlight[head].error == nil { inFlight[head].error = makeError(from: result, query: inFlight[head].sql) }
                        PQclear(result)
                    }
                }
                if !answers.isEmpty {
                    lane.answer(answers)
                    answers.removeAll(keepingCapacity: true)
                }
                if isBroken { return fail(connectionError(query: nil)) }
                if head == inFlight.count {
                    inFlight.removeAll(keepingCapacity: true)
                    head = 0
                }
            }

            // 3. Nothing in flight and nothing queued: stop if the pool agrees (at once when it
            // wants the connection back, else once the lane has waited `linger`).
            if stopping { return nil }
            var waitMilliseconds: Int32 = 1000
            if head == inFlight.count, deferred.isEmpty, !lane.hasPending, !flushPending {
                let now = ContinuousClock.now
                let since = idleSince ?? now
                idleSince = since
                let left = linger - (now - since)
                if shouldStop(left <= .zero) { return nil }
                // A statement arrived meanwhile: the poll below returns at once for it.
                let (seconds, attoseconds) = left.components
                waitMilliseconds = Int32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
            } else {
                idleSince = nil
            }
            if !deferred.isEmpty, head == inFlight.count { continue }

            // 4. Wait for the server's replies, room to send, or new statements.
            guard lane.beginPolling() else { continue }
            var descriptors = [pollfd(fd: PQsocket(connection), events: Int16(POLLIN) | (flushPending ? Int16(POLLOUT) : 0), revents: 0),
                               pollfd(fd: lane.wakeReader, events: Int16(POLLIN), revents: 0)]
            _ = poll(&descriptors, 2, waitMilliseconds)
            lane.endPolling()
        }
    }

    /// Corks or uncorks the connection's TCP socket (uncorking sends what was held back); false
    /// when it cannot (a Unix-domain socket).
    private func setCork(_ on: Bool) -> Bool {
        guard let connection else { return false }
        var value: Int32 = on ? 1 : 0
        return setsockopt(PQsocket(connection), Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }
}
