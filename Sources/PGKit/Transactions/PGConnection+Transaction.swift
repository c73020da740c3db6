extension PGConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    /// Called inside another transaction, it becomes a savepoint, so an inner failure can be
    /// caught without losing the outer work.
    ///
    /// ```swift
    /// let id = try await conn.transaction { tx in
    ///     let id = try await tx.query("INSERT INTO users (email) VALUES (\(email)) RETURNING id").scalar(UUID.self)!
    ///     try await tx.execute("INSERT INTO sessions (user_id) VALUES (\(id))")
    ///     return id
    /// }
    /// ```
    /// With `options.retry`, a serialization failure or deadlock reruns the whole body. A lost
    /// connection cannot be retried on the same connection: `PGPool.transaction` reruns such a
    /// transaction on a new one. A connection lost after `COMMIT` was sent throws
    /// `.outcomeUnknown`, never retried.
    @discardableResult
    public func transaction<T>(
        _ options: PGTransactionOptions = PGTransactionOptions(),
        _ body: (PGConnection) async throws -> T
    ) async throws -> T {
        if isInTransaction {
            guard let instruments else { return try await savepoint(settings: options.settings, body) }
            return try await instruments.measure(.savepoint) { try await savepoint(settings: options.settings, body) }
        }
        guard let instruments else { return try await retryingTransaction(options, body) }
        return try await instruments.measure(.transaction) { try await retryingTransaction(options, body) }
    }

    /// Runs the transaction, again on a serialization failure or deadlock while attempts remain.
    private func retryingTransaction<T>(_ options: PGTransactionOptions, _ body: (PGConnection) async throws -> T) async throws -> T {
        var attempt = 1
        var backoff = options.retry.initialBackoff
        while true {
            do {
                return try await runTransaction(options, body)
            } catch let error as PGError where error.isTransient && attempt < options.retry.maxAttempts {
                attempt += 1
                logger.debug("retrying transaction", metadata: ["sqlstate": "\(error.sqlState?.rawValue ?? "")", "attempt": "\(attempt)"])
                let jitter = Double.random(in: 0.5...1.5)
                try await Task.sleep(for: backoff * jitter)
                backoff *= 2
            }
        }
    }

    private func runTransaction<T>(_ options: PGTransactionOptions, _ body: (PGConnection) async throws -> T) async throws -> T {
        try await begin(options.beginStatement, settings: options.settings, undo: "ROLLBACK")
        _ = adjustTransactionDepth(by: 1)
        defer { _ = adjustTransactionDepth(by: -1) }
        let value: T
        do {
            value = try await body(self)
        } catch {
            await rollbackQuietly("ROLLBACK")
            throw error
        }
        // A connection that broke before COMMIT went out committed nothing: that error stays
        // as it is (retryable); one that breaks after leaves the outcome unknown, unless the
        // transaction was READ ONLY and so had nothing to commit.
        let sentCommit = !isBroken && !options.readOnly
        do {
            try await executeScript("COMMIT")
        } catch let error as PGError where sentCommit && (error.isConnectionError || error.kind == .timedOut) {
            markBroken()
            throw error.outcomeUnknown(after: "COMMIT")
        } catch {
            await rollbackQuietly("ROLLBACK")
            throw error
        }
        return value
    }

    private func savepoint<T>(settings: [String: String], _ body: (PGConnection) async throws -> T) async throws -> T {
        let depth = adjustTransactionDepth(by: 1)
        defer { _ = adjustTransactionDepth(by: -1) }
        let name = "pgkit_savepoint_\(depth)"
        try await begin("SAVEPOINT \(name)", settings: settings, undo: "ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
        do {
            let value = try await body(self)
            try await executeScript("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            await rollbackQuietly("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    /// Sends `statement` (BEGIN or SAVEPOINT) and the transaction-local settings as one
    /// pipeline, one round trip; if a setting is refused, undoes the statement and throws.
    private func begin(_ statement: String, settings: [String: String], undo: String) async throws {
        guard !settings.isEmpty else {
            try await executeScript(statement)
            return
        }
        var pipeline = PGPipeline()
        pipeline.append(PGQuery(statement))
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            pipeline.append("SELECT set_config($1, $2, true)", [name, value])
        }
        let results = try await execute(pipeline)
        let failures = results.compactMap { result -> PGError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        guard !failures.isEmpty else { return }
        await rollbackQuietly(undo)
        throw failures.first { !$0.isPipelineAborted } ?? failures[0]
    }

    /// Rolls back even when the calling task is cancelled; a failure here marks the connection
    /// broken so a pool will not reuse it mid-transaction.
    private func rollbackQuietly(_ sql: String) async {
        let connection = self
        let task = Task { try await connection.executeScript(sql) }
        do {
            try await task.value
        } catch {
            markBroken()
        }
    }
}
