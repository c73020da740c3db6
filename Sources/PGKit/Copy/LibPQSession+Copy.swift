import CLibPQ

extension LibPQSession {
    /// Streams `rows` to the server with `COPY table (columns) FROM STDIN (FORMAT binary)`,
    /// in chunks of about 64 KB, so memory stays flat for any number of rows. A row that cannot
    /// be encoded aborts the COPY: nothing is written.
    func copyIn<Rows: Sequence>(table: String, columns: [String], rows: Rows) throws(PGError) -> Int
        where Rows.Element == [any PGEncodable] {
        // Statements in flight on this connection: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        let columnList = columns.map(PGQuery.quoteIdentifier).joined(separator: ", ")
        let sql = "COPY \(PGQuery.quoteQualifiedName(table)) (\(columnList)) FROM STDIN (FORMAT binary)"
        let start = try check(PQexec(connection, sql), query: sql)
        _ = start
        var encoder = PGCopyEncoder(columnCount: columns.count, types: types)
        encoder.writeHeader()
        let send: ([UInt8]) throws(PGError) -> Void = { bytes throws(PGError) in
            let sent = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 { throw self.connectionError(query: sql) }
            self.madeProgress()
        }
        do {
            var number = 0
            for row in rows {
                number += 1
                try encoder.writeRow(row, number: number, columns: columns)
                if encoder.buffer.count >= 1 << 16 { try encoder.flush(send) }
            }
            encoder.writeTrailer()
            try encoder.flush(send)
        } catch {
            PQputCopyEnd(connection, "PGKit aborted the COPY: \(error.message)")
            while let result = PQgetResult(connection) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else { throw connectionError(query: sql) }
        var copied = 0
        var failure: PGError?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
                PQclear(result)
            } else if failure == nil {
                failure = makeError(from: result, query: sql)
                PQclear(result)
            } else {
                PQclear(result)
            }
        }
        if let failure { throw failure }
        return copied
    }
}

extension LibPQSession {
    /// Runs a `COPY ... TO STDOUT` statement and hands each chunk of its output to `consume`
    /// as it arrives (libpq gives one row per chunk), so any amount of data streams through.
    /// Returns the number of rows copied.
    func copyOut(_ sql: String, consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        // Statements in flight on this connection: no other statement spins for its reply.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        noteEffects(of: sql)
        let start = try check(PQexec(connection, sql), query: sql)
        _ = start
        var consumerError: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                madeProgress()
                if consumerError == nil {
                    do { try consume(UnsafeRawBufferPointer(start: buffer, count: Int(length))) } catch { consumerError = error }
                }
                continue
            }
            if length == -2 { throw connectionError(query: sql) }
            break  // -1: the copy is done
        }
        var copied = 0
        var failure: PGError?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = makeError(from: result, query: sql)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if let consumerError { throw consumerError }
        return copied
    }
}
