import CLibPQ
import Foundation

extension LibPQSession {
    /// Runs `sql` once per row in libpq's pipeline mode, rows encoded as they are sent. A sync
    /// point every `rowsPerSync` rows lets the server's replies be read while later rows are
    /// still going out, so the server never waits for the client to build a batch and memory
    /// stays flat for any number of rows. Returns the total affected row count; throws the
    /// first failure (naming its row) after every reply was read. Atomicity is the caller's:
    /// `PGConnection.executeMany` runs this inside a transaction.
    func executeMany<Rows: Sequence>(_ sql: String, rows: Rows, rowsPerSync: Int = 1_000) throws(PGError) -> Int
        where Rows.Element == [any PGEncodable] {
        // Statements in flight on this connection: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        noteEffects(of: sql)
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        var iterator = rows.makeIterator()
        guard let first = iterator.next() else { return 0 }
        if PGBindings.usesUnknownExtensionTypes(first, types: types) { try loadExtensionTypes() }
        var bindings = PGBindings(types: types)
        do {
            try bindings.encode(first)
        } catch {
            throw Self.rowError(error, row: 1)
        }
        let parameterTypes = bindings.oids
        // One statement for every row: prepared once (nil in PgBouncer mode: sent unnamed).
        let name = try preparedStatementName(for: sql, parameterTypes: parameterTypes)
        clearLingeringSingleRowMode()
        guard PQenterPipelineMode(connection) == 1 else { throw connectionError(query: sql) }
        PQsetnonblocking(connection, 1)
        defer {
            PQsetnonblocking(connection, 0)
            PQexitPipelineMode(connection)
        }

        var sentStatements = 0      // rows sent
        var answered = 0            // rows whose reply was read
        var pendingSyncs = 0
        var affected = 0
        var failure: PGError?

        /// Reads what has arrived; with `wait`, blocks until every sync point is answered.
        func readReplies(wait: Bool) throws(PGError) {
            if !wait, PQconsumeInput(connection) == 0 { throw connectionError(query: sql) }
            var consecutiveEnds = 0
            while pendingSyncs > 0 {
                if !wait, PQisBusy(connection) == 1 { return }
                guard let result = PQgetResult(connection) else {
                    // The end of one statement's results; two in a row means nothing is queued.
                    consecutiveEnds += 1
                    if consecutiveEnds > 1, !wait { return }
                    if isBroken { throw connectionError(query: sql) }
                    continue
                }
                consecutiveEnds = 0
                defer { PQclear(result) }
                switch PQresultStatus(result) {
                case PGRES_PIPELINE_SYNC:
                    pendingSyncs -= 1
                    madeProgress()
                case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                    answered += 1
                    affected += PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
                case PGRES_PIPELINE_ABORTED:
                    answered += 1
                default:
                    answered += 1
                    if failure == nil { failure = Self.rowError(makeError(from: result, query: sql), row: answered) }
                }
            }
        }

        func flush() throws(PGError) {
            try flushNonBlocking(query: sql) { () throws(PGError) in try readReplies(wait: false) }
        }

        func sync() throws(PGError) {
            guard PQpipelineSync(connection) == 1 else { throw connectionError(query: sql) }
            pendingSyncs += 1
        }

        var row: [any PGEncodable]? = first
        while row != nil, failure == nil {
            if sentStatements > 0 {
                do {
                    try bindings.encode(row!)
                } catch {
                    failure = Self.rowError(error, row: sentStatements + 1)
                    break
                }
                guard bindings.oids == parameterTypes else {
                    failure = PGError(.invalidParameter, "row \(sentStatements + 1): its parameter types differ from the first row's")
                    break
                }
            }
            guard sendBound(sql, preparedName: name, bindings) else { throw connectionError(query: sql) }
            sentStatements += 1
            if sentStatements % rowsPerSync == 0 {
                try sync()
                try flush()
                try readReplies(wait: false)
            } else if sentStatements % 16 == 0 {
                try flush()
            }
            row = iterator.next()
        }
        try sync()
        try flush()
        PQsetnonblocking(connection, 0)
        try readReplies(wait: true)
        if let failure { throw failure }
        return affected
    }

    private static func rowError(_ error: PGError, row: Int) -> PGError {
        var enriched = error
        enriched.message = "row \(row): \(error.message)"
        return enriched
    }
}
