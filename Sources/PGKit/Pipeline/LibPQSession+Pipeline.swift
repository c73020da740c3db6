import CLibPQ
import Foundation

extension LibPQSession {
    /// Prepares (once per connection, through the statement cache) each statement the batch
    /// repeats, before the batch is sent, so the server parses and plans it only once.
    private func prepareRepeatedStatements(_ pipeline: PGPipeline) -> [StatementCache.Key: String] {
        // Batches usually repeat one statement back to back: compare with the previous one
        // before paying for hashing.
        var counts: [String: Int] = [:]
        var previous: String?
        var runLength = 0
        for query in pipeline.queries {
            if query.sql == previous {
                runLength += 1
                continue
            }
            if let previous { counts[previous, default: 0] += runLength }
            previous = query.sql
            runLength = 1
        }
        if let previous { counts[previous, default: 0] += runLength }
        var names: [StatementCache.Key: String] = [:]
        previous = nil
        for query in pipeline.queries {
            // Runs of one statement (usually the whole batch) are looked up once.
            if query.sql == previous { continue }
            previous = query.sql
            guard (counts[query.sql] ?? 0) > 1 else { continue }
            guard let oids = try? PGBindings(query.parameters, types: types).oids else { continue }
            let key = StatementCache.Key(sql: query.sql, parameterTypes: oids)
            if names[key] != nil { continue }
            // A statement that does not prepare (a type error, say) goes unnamed and fails alone.
            if let name = try? preparedStatementName(for: query.sql, parameterTypes: oids) { names[key] = name }
            counts[query.sql] = 0
        }
        return names
    }

    /// Sends every statement of `pipeline` in libpq pipeline mode, then collects the results in
    /// order. Prepared statements from the cache are reused; others go as unnamed statements.
    func execute(_ pipeline: PGPipeline) throws(PGError) -> [Result<PGResultStorage, PGError>] {
        // Statements in flight on this connection: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        guard !pipeline.isEmpty else { return [] }
        for query in pipeline.queries where PGBindings.usesUnknownExtensionTypes(query.parameters, types: types) {
            try loadExtensionTypes()
            break
        }
        let preparedNames = prepareRepeatedStatements(pipeline)
        clearLingeringSingleRowMode()
        guard PQenterPipelineMode(connection) == 1 else { throw connectionError(query: nil) }
        defer { PQexitPipelineMode(connection) }
        // Sending without reading can fill both sides' socket buffers and deadlock, so send in
        // non-blocking mode and take in the server's replies whenever the output is stuck.
        // Flushing every 16 statements starts the server early (libpq alone would wait for
        // 64 KB): W4c ran ~6% faster than with 64, and 4 was no better.
        PQsetnonblocking(connection, 1)
        func flush() throws(PGError) { try flushNonBlocking(query: nil) }

        var encodingErrors: [Int: PGError] = [:]
        var syncPoints = 0
        var lastPrepared: (key: StatementCache.Key, name: String)?
        var bindings = PGBindings(types: types)
        let queries = pipeline.queries
        var notedSQL: String?
        for index in queries.indices {
            let query = queries[index]
            if query.sql != notedSQL {
                noteEffects(of: query.sql)
                notedSQL = query.sql
            }
            do {
                try bindings.encode(query.parameters)
            } catch {
                // Keep positions aligned: send a statement that does nothing, report the error.
                encodingErrors[index] = error
                guard PQsendQueryParams(connection, "SELECT 1 WHERE false", 0, nil, nil, nil, nil, 1) == 1 else {
                    throw connectionError(query: query.sql)
                }
                if !pipeline.transactional { PQpipelineSync(connection); syncPoints += 1 }
                if index % 16 == 15 { try flush() }
                continue
            }
            let name: String?
            if let last = lastPrepared, last.key.sql == query.sql, last.key.parameterTypes == bindings.oids {
                name = last.name
            } else {
                let key = StatementCache.Key(sql: query.sql, parameterTypes: bindings.oids)
                name = preparedNames[key]
                if let name { lastPrepared = (key, name) }
            }
            guard sendBound(query.sql, preparedName: name, bindings) else { throw connectionError(query: query.sql) }
            if !pipeline.transactional {
                guard PQpipelineSync(connection) == 1 else { throw connectionError(query: query.sql) }
                syncPoints += 1
            }
            if index % 16 == 15 { try flush() }
        }
        if pipeline.transactional {
            guard PQpipelineSync(connection) == 1 else { throw connectionError(query: nil) }
            syncPoints = 1
        }
        try flush()
        PQsetnonblocking(connection, 0)

        var results: [Result<PGResultStorage, PGError>] = []
        results.reserveCapacity(pipeline.count)
        let context = decodingContext
        var index = 0
        var syncsSeen = 0
        while syncsSeen < syncPoints {
            guard let result = PQgetResult(connection) else {
                // End of one statement's results; a NULL also separates statements.
                if isBroken { throw connectionError(query: nil) }
                continue
            }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_PIPELINE_SYNC:
                PQclear(result)
                syncsSeen += 1
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
                results.append(.failure(encodingErrors[index] ?? .pipelineAborted()))
                index += 1
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                if let error = encodingErrors[index] {
                    PQclear(result)
                    results.append(.failure(error))
                } else {
                    results.append(.success(PGResultStorage(handle: result, context: context)))
                }
                index += 1
            default:
                let error = makeError(from: result, query: index < pipeline.count ? pipeline.queries[index].sql : nil)
                PQclear(result)
                results.append(.failure(encodingErrors[index] ?? error))
                index += 1
            }
        }
        return results
    }
}
