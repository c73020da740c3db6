import CLibPQ

extension LibPQSession {
    /// Sends `sql` with the simple protocol in single-row mode and keeps, per statement, the
    /// first `limit` rows (values cut to `maxBytes`), counting the rest. Runs on the connection thread.
    func textResults(_ sql: String, keepingRows limit: Int, cuttingValuesAt maxBytes: Int?) throws(PGError) -> [PGTextResult] {
        // Statements in flight on this connection: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        noteEffects(of: sql)
        guard PQsendQuery(connection, sql) == 1 else { throw connectionError(query: sql) }
        PQsetSingleRowMode(connection)
        singleRowModeMayLinger = true
        var results: [PGTextResult] = []
        var current: PGTextResult?
        var failure: PGError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                if current == nil { current = PGTextResult(columns: (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }) }
                // Single-row results carry one row; a final TUPLES_OK none (or, when a server or
                // libpq did not apply single-row mode, all of them).
                for row in 0..<PQntuples(result) {
                    if current!.rows.count < limit { current!.rows.append(values(result, row: row, into: &current!, maxBytes: maxBytes)) }
                    current!.rowCount += 1
                }
                if status == PGRES_SINGLE_TUPLE {
                    if current!.rowCount % 1000 == 0 { madeProgress() }
                } else {
                    current!.commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
                    results.append(current!)
                    current = nil
                }
            default:
                if failure == nil { failure = makeError(from: result, query: sql) }
            }
        }
        if let failure { throw failure }
        if isBroken { throw connectionError(query: sql) }
        return results
    }

    private func values(_ result: OpaquePointer, row: Int32, into outcome: inout PGTextResult, maxBytes: Int?) -> [String?] {
        (0..<PQnfields(result)).map { column in
            guard PQgetisnull(result, row, column) == 0, let bytes = PQgetvalue(result, row, column) else { return nil }
            let length = Int(PQgetlength(result, row, column))
            guard let maxBytes, length > maxBytes else { return String(cString: bytes) }
            outcome.cutValues.append(.init(row: outcome.rows.count, column: Int(column), byteCount: length))
            var end = max(0, maxBytes)
            // Back off to the start of a UTF-8 character.
            while end > 0, (UInt8(bitPattern: bytes[end]) & 0xC0) == 0x80 { end -= 1 }
            let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: end)
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}
