import CLibPQ

extension LibPQSession {
    /// Sends `query` in single-row mode and feeds rows to `channel` in batches, waiting while the
    /// consumer is behind so memory stays bounded. Runs on the connection thread.
    func stream(_ query: PGQuery, into channel: RowStreamChannel, cancellation: QueryCancellation) {
        // Statements in flight on this connection: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard let connection else {
            channel.finish(error: PGError(.connectionClosed, "the connection is closed"))
            return
        }
        do throws(PGError) {
            if PGBindings.usesUnknownExtensionTypes(query.parameters, types: types) {
                try loadExtensionTypes()
            }
            let bindings = try PGBindings(query.parameters, types: types)
            noteEffects(of: query.sql)
            let sent = bindings.withCArrays { values, lengths, formats, oids in
                PQsendQueryParams(connection, query.sql, Int32(bindings.count), oids, values, lengths, formats, 1)
            }
            guard sent == 1 else { throw connectionError(query: query.sql) }
        } catch {
            channel.finish(error: error)
            return
        }
        PQsetSingleRowMode(connection)
        singleRowModeMayLinger = true
        let context = decodingContext
        var metadata: PGResultMetadata?
        var batch: [PGRow] = []
        batch.reserveCapacity(RowStreamChannel.batchSize)
        var failure: PGError?
        var consumerGone = false
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            if status == PGRES_SINGLE_TUPLE, !consumerGone {
                let storage = PGResultStorage(handle: result, context: context, metadata: metadata)
                metadata = storage.metadata
                batch.append(PGRow(storage: storage, index: 0))
                if batch.count == RowStreamChannel.batchSize {
                    madeProgress()
                    if !channel.push(batch) {
                        consumerGone = true
                        cancellation.cancelCurrent()
                    }
                    batch.removeAll(keepingCapacity: true)
                    madeProgress()
                }
            } else if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_SINGLE_TUPLE {
                PQclear(result)
            } else {
                if failure == nil, !consumerGone { failure = makeError(from: result, query: query.sql) }
                PQclear(result)
            }
        }
        if !batch.isEmpty, !consumerGone { _ = channel.push(batch) }
        if failure == nil, isBroken { failure = connectionError(query: query.sql) }
        channel.finish(error: failure)
    }
}
