import CLibPQ

extension LibPQSession {
    /// Prepares `sql` as the unnamed statement and describes it. Runs on the connection thread.
    func describe(_ sql: String) throws(PGError) -> PGStatementDescription {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        // In flight on this connection: no other statement spins for its reply meanwhile.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        _ = try check(PQprepare(connection, "", sql, 0, nil), query: sql)
        let storage = try check(PQdescribePrepared(connection, ""), query: sql)
        let result = storage.handle
        let parameters = (0..<PQnparams(result)).map { PQparamtype(result, $0) }
        let columns = (0..<PQnfields(result)).map { index in
            PGStatementDescription.Column(
                name: String(cString: PQfname(result, index)), typeOID: PQftype(result, index),
                typeModifier: PQfmod(result, index), tableOID: PQftable(result, index),
                tableColumn: Int16(truncatingIfNeeded: PQftablecol(result, index)))
        }
        return PGStatementDescription(parameterTypes: parameters, columns: columns)
    }
}
