import CLibPQ
import Foundation
import Logging
import Synchronization

/// One libpq connection, used only from its `ConnectionThread`.
///
/// Everything here runs on that one thread (libpq connections are not thread-safe), which is
/// what makes the `@unchecked Sendable` sound: the class is handed to the thread and only
/// touched inside the jobs it runs.
final class LibPQSession: @unchecked Sendable {
    private(set) var connection: OpaquePointer?
    private(set) var types = PGTypeRegistry()
    /// The prepared statements; only the connection thread touches it.
    var statements: StatementCache
    private let usesUnnamedStatements: Bool
    /// Set after a streamed statement: see `clearLingeringSingleRowMode()`.
    var singleRowModeMayLinger = false
    private let logsParameterValues: Bool
    let logger: Logger
    /// Told when a long job makes progress (rows or COPY data moved), so its time limit counts
    /// from the last sign of life rather than from its start. Set once, before any job runs.
    var progress: QueryCancellation?
    /// What the statements run since the last `resetSession` may have left in the session
    /// (`SessionEffects` bits). Atomic: a pool reads it from other threads on release.
    private let effects = Atomic<UInt8>(0)
    /// Behind PgBouncer in transaction mode there is no session to keep clean.
    private let tracksSessionEffects: Bool
    /// How long the next statement watches for its reply before sleeping.
    private var replySpin: ReplySpinPolicy
    /// The parameters `send` encodes for each statement, kept from one to the next so their
    /// storage is allocated once (libpq copies the values out while it sends).
    private var sendBindings = PGBindings(types: PGTypeRegistry())
    /// The most `sendBindings` keeps between statements: 64 KiB (one large value's storage
    /// would otherwise stay allocated for the connection's life).
    private static let keptBindingBytes = 1 << 16

    private init(connection: OpaquePointer, config: PGConfig, logger: Logger) {
        self.connection = connection
        self.logger = logger
        usesUnnamedStatements = config.usesUnnamedStatements
        tracksSessionEffects = !config.usesUnnamedStatements
        logsParameterValues = config.logsParameterValues
        replySpin = ReplySpinPolicy(limit: config.replySpinLimit)
        statements = StatementCache(capacity: config.usesUnnamedStatements ? 0 : config.statementCacheCapacity)
    }

    /// Opens a connection (blocking this thread) and loads extension type OIDs.
    static func open(_ config: PGConfig, logger: Logger) throws(PGError) -> LibPQSession {
        var parameters = config.parameters
        func setDefault(_ key: String, _ value: String) {
            if !parameters.contains(where: { $0.key == key }) { parameters.append(.init(key: key, value: value)) }
        }
        setDefault("connect_timeout", "10")
        setDefault("fallback_application_name", "pgkit")
        setDefault("client_encoding", "UTF8")
        // Every session runs in UTC unless the configuration names a zone: a `timestamp`
        // written from a `Date` then reads back as the same instant (see "Types and codecs").
        // Behind PgBouncer, which refuses startup options, set the server's own timezone.
        if !config.usesUnnamedStatements {
            var options = parameters.last(where: { $0.key == "options" })?.value ?? ""
            if !options.lowercased().contains("timezone") { options += (options.isEmpty ? "" : " ") + "-c TimeZone=UTC" }
            // `schema=` in the URL (Prisma's spelling) is the session's search path.
            if let schema = config.schema { options += " -c search_path=" + Self.optionValue(PGQuery.quoteIdentifier(schema)) }
            parameters.removeAll { $0.key == "options" }
            parameters.append(.init(key: "options", value: options))
        }
        setDefault("keepalives", "1")
        setDefault("keepalives_idle", "15")
        setDefault("keepalives_interval", "5")
        setDefault("keepalives_count", "3")
        // No `tcp_user_timeout` by default: Linux also counts the time a server that is alive
        // but not reading keeps its window closed, and would kill a COPY waiting for a lock.
        // `PGConfig.peerSilenceTimeout` watches for a server gone silent instead (`PeerSilence`).
        let keys = parameters.map { strdup($0.key) }
        let values = parameters.map { strdup($0.value) }
        defer { (keys + values).forEach { free($0) } }
        var keyPointers = keys.map { UnsafePointer<CChar>($0) } + [nil]
        var valuePointers = values.map { UnsafePointer<CChar>($0) } + [nil]
        guard let connection = PQconnectdbParams(&keyPointers, &valuePointers, 0) else {
            throw PGError(.connectionFailed, "out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.redacting(String(cString: PQerrorMessage(connection)), config: config)
            PQfinish(connection)
            var error = PGError(.connectionFailed, message.trimmingCharacters(in: .whitespacesAndNewlines))
            error.sqlState = Self.connectFailureState(message)
            throw error
        }
        let session = LibPQSession(connection: connection, config: config, logger: logger)
        session.routeNoticesToLogger()
        let connectTimeout = parameters.last(where: { $0.key == "connect_timeout" }).flatMap { Int($0.value) } ?? 10
        // A replication connection (PGChangeStream's) takes no extended-protocol query; the
        // stream decodes with the types its ordinary connection looked up.
        if parameters.contains(where: { $0.key == "replication" }) { return session }
        do {
            try session.loadExtensionTypes(until: .now + .seconds(max(connectTimeout, 2)))
        } catch {
            session.close()
            throw error
        }
        return session
    }

    /// A value for libpq's `options` (`-c name=value`): spaces and backslashes escaped.
    static func optionValue(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: " ", with: "\\ ")
    }

    /// The SQLSTATE the server sent with a refused connection, recognised from libpq's message
    /// (libpq 15 keeps the code to itself): what a pool needs to tell "retry later" from "never".
    static func connectFailureState(_ message: String) -> PGSQLState? {
        if message.contains("password authentication failed") { return .invalidPassword }
        if message.contains("no pg_hba.conf entry") { return .invalidAuthorizationSpecification }
        if message.contains("role \""), message.contains("does not exist") { return .invalidAuthorizationSpecification }
        if message.contains("database \""), message.contains("does not exist") { return .invalidCatalogName }
        if message.contains("too many clients") || message.contains("remaining connection slots are reserved") { return .tooManyConnections }
        if message.contains("the database system is starting up") || message.contains("the database system is shutting down")
            || message.contains("in recovery mode") || message.contains("not yet accepting connections") { return .cannotConnectNow }
        return nil
    }

    private static func redacting(_ message: String, config: PGConfig) -> String {
        guard let password = config["password"], !password.isEmpty else { return message }
        return message.replacingOccurrences(of: password, with: "********")
    }

    /// Server notices (`NOTICE: ... already exists, skipping`) go to the logger at debug level
    /// instead of libpq's default, which prints them on standard error.
    private func routeNoticesToLogger() {
        guard let connection else { return }
        let context = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            let session = Unmanaged<LibPQSession>.fromOpaque(context).takeUnretainedValue()
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            session.logger.debug("server notice", metadata: ["message": "\(message)"])
        }, context)
    }

    /// Records what `sql` may leave in the session.
    func noteEffects(of sql: String) {
        guard tracksSessionEffects else { return }
        noteEffects(SessionEffects.of(sql))
    }

    @inline(__always)
    func noteEffects(_ statementEffects: SessionEffects) {
        if !statementEffects.isEmpty, tracksSessionEffects { effects.bitwiseOr(statementEffects.rawValue, ordering: .relaxed) }
    }

    /// What the statements since the last reset may have left in the session; safe to read
    /// from any thread.
    var pendingSessionEffects: SessionEffects { SessionEffects(rawValue: effects.load(ordering: .relaxed)) }

    /// The statements that return a session to the state it had after connecting (what
    /// `DISCARD ALL` does, but keeping PGKit's prepared statements): settings (including a
    /// role and custom settings such as `pgkit.user_id`), cursors, LISTENs, advisory locks,
    /// temporary tables, sequence state.
    static let sessionResetSQL = "SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL; CLOSE ALL; UNLISTEN *; "
        + "SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES"

    /// Undoes what the statements since the last reset left in the session (outside any
    /// transaction). Prepared statements made with SQL are all deallocated, PGKit's with them,
    /// which it prepares again when next used.
    func resetSession() throws(PGError) {
        let pending = pendingSessionEffects
        guard !pending.isEmpty else { return }
        try executeSimple(Self.sessionResetSQL)
        if pending.contains(.preparedStatements) {
            try executeSimple("DEALLOCATE ALL")
            statements.removeAll()
        }
        effects.store(0, ordering: .relaxed)
    }

    /// What decoders need to know about this connection now: its extension types and whether
    /// the session's TimeZone is UTC (read from the server's last ParameterStatus report).
    var decodingContext: PGDecodingContext {
        PGDecodingContext(types: types, sessionTimeZoneIsUTC: sessionTimeZoneIsUTC)
    }

    private var sessionTimeZoneIsUTC: Bool {
        guard let connection, let zone = PQparameterStatus(connection, "TimeZone") else { return true }
        return strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0 || strcmp(zone, "GMT") == 0
            || strcmp(zone, "Etc/GMT") == 0 || strcmp(zone, "UCT") == 0 || strcmp(zone, "Etc/UCT") == 0
            || strcmp(zone, "Universal") == 0 || strcmp(zone, "Zulu") == 0
    }

    /// A long job moved data: its time limit restarts.
    @inline(__always)
    func madeProgress() { progress?.touch() }

    func close() {
        if let connection { PQfinish(connection) }
        connection = nil
        statements.removeAll()
    }

    var serverVersion: Int { connection.map { Int(PQserverVersion($0)) } ?? 0 }
    var socket: Int32 { connection.map { PQsocket($0) } ?? -1 }
    var backendPID: Int32 { connection.map { PQbackendPID($0) } ?? 0 }
    /// What cancels this connection's statements: PGKit's own bounded cancel request when it
    /// can be read out of libpq, libpq's `PQcancel` otherwise.
    func makeCancelSender() -> QueryCancellation.Sender? {
        guard let connection, let handle = PQgetCancel(connection) else { return nil }
        if let request = CancelRequest.read(from: handle, connection: connection) {
            PQfreeCancel(handle)
            return .request(request)
        }
        return .libpq(QueryCancellation.LibPQCancelHandle(handle))
    }

    func encryptPassword(_ password: String, user: String) throws(PGError) -> String {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        guard let encrypted = PQencryptPasswordConn(connection, password, user, nil) else {
            throw PGError(.invalidParameter, "could not encrypt the password: \(String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }

    func parameterStatus(_ name: String) -> String? {
        guard let connection, let value = PQparameterStatus(connection, name) else { return nil }
        return String(cString: value)
    }

    var transactionStatus: PGTransactionStatusType {
        connection.map { PQtransactionStatus($0) } ?? PQTRANS_UNKNOWN
    }

    var isBroken: Bool { connection.map { PQstatus($0) != CONNECTION_OK } ?? true }

    /// Looks up the OIDs of the extension types PGKit knows (`vector`, `citext`...), and of
    /// every enum type and enum array type on the search path (for `PGEnum`). With a deadline
    /// (at connect, before the connection's time limits exist), waits for the reply no longer
    /// than that.
    func loadExtensionTypes(until deadline: ContinuousClock.Instant? = nil) throws(PGError) {
        let names = PGTypeRegistry.knownExtensionTypes.map { "'\($0)'" }.joined(separator: ",")
        let sql = """
            SELECT oid::int8, typname::text FROM pg_type WHERE (typname IN (\(names)) OR typtype = 'e' \
            OR oid IN (SELECT typarray FROM pg_type WHERE typtype = 'e')) AND pg_type_is_visible(oid)
            """
        let result: PGResultStorage
        if let deadline, let connection {
            guard PQsendQueryParams(connection, sql, 0, nil, nil, nil, nil, 1) == 1 else { throw connectionError(query: sql) }
            try awaitReply(until: deadline, query: sql)
            var last: OpaquePointer?
            while let next = PQgetResult(connection) {
                if let last { PQclear(last) }
                last = next
            }
            result = try check(last, query: sql)
        } else {
            result = try execute(PGQuery(sql), allowPrepare: false)
        }
        var registry = PGTypeRegistry()
        for row in PGQueryResult(storage: result) {
            let oid = try row.decode(Int64.self, at: 0)
            registry.register(name: try row.decode(String.self, at: 1), oid: UInt32(truncatingIfNeeded: oid))
        }
        types = registry
    }

    /// Waits until the reply to what was sent has fully arrived (so `PQgetResult` will not
    /// block), or throws `.timedOut` at `deadline`.
    private func awaitReply(until deadline: ContinuousClock.Instant, query: String) throws(PGError) {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        while PQisBusy(connection) == 1 {
            let remaining = deadline - .now
            guard remaining > .zero else {
                var error = PGError(.timedOut, "the server accepted the connection but did not answer its first query")
                error.query = query
                throw error
            }
            var entry = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            if poll(&entry, 1, milliseconds) > 0, PQconsumeInput(connection) == 0 { throw connectionError(query: query) }
        }
    }

    // MARK: Statements

    /// Runs one statement with bound parameters in binary format and returns its result.
    func execute(_ query: PGQuery, allowPrepare: Bool = true) throws(PGError) -> PGResultStorage {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        if PGBindings.usesUnknownExtensionTypes(query.parameters, types: types) {
            try loadExtensionTypes()
        }
        let bindings = try PGBindings(query.parameters, types: types)
        let started = logger.logLevel <= .debug ? ContinuousClock.now : nil
        defer { if let started { logQuery(query, since: started) } }

        if allowPrepare, statements.capacity > 0, StatementCache.isCacheable(query.sql) {
            return try executePrepared(query, bindings: bindings, connection: connection)
        }
        if allowPrepare { noteEffects(of: query.sql) }
        let result = bindings.withCArrays { values, lengths, formats, oids in
            query.sql.withCString { sql in
                run(connection,
                    send: { PQsendQueryParams(connection, sql, Int32(bindings.count), oids, values, lengths, formats, 1) },
                    orExecute: { PQexecParams(connection, sql, Int32(bindings.count), oids, values, lengths, formats, 1) })
            }
        }
        return try check(result, query: query.sql)
    }

    private func executePrepared(_ query: PGQuery, bindings: PGBindings, connection: OpaquePointer) throws(PGError) -> PGResultStorage {
        let key = StatementCache.Key(sql: query.sql, parameterTypes: bindings.oids)
        let entry: StatementCache.Entry
        if let cached = statements.lookup(key) {
            entry = cached
        } else {
            _ = try prepare(key, connection: connection)
            entry = statements.lookup(key)!
        }
        noteEffects(entry.effects)
        let result = bindings.withCArrays { values, lengths, formats, _ in
            // withCString: the implicit String-to-pointer conversion allocates for short strings.
            entry.name.withCString { name in
                run(connection,
                    send: { PQsendQueryPrepared(connection, name, Int32(bindings.count), values, lengths, formats, 1) },
                    orExecute: { PQexecPrepared(connection, name, Int32(bindings.count), values, lengths, formats, 1) })
            }
        }
        do {
            let storage = try check(result, query: query.sql, metadata: entry.metadata)
            if entry.metadata == nil { statements.setMetadata(storage.metadata, for: key) }
            return storage
        } catch {
            forgetIfInvalidated(key, after: error)
            throw error
        }
    }

    /// Runs one statement and returns its result as libpq's PQexec family does (`orExecute`
    /// is that call): `send` sends it, the reply is watched for as `replySpin` decides when no
    /// other statement of the process waits (see `ReplySpinPolicy`), then read in libpq.
    private func run(_ connection: OpaquePointer, send: () -> Int32, orExecute execute: () -> OpaquePointer?) -> OpaquePointer? {
        let alone = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        // PQexec also discards what an earlier command left unread, and refuses to run in
        // pipeline mode: let it, in those cases.
        guard replySpin.limit > 0, PQtransactionStatus(connection) != PQTRANS_ACTIVE,
              PQpipelineStatus(connection) == PQ_PIPELINE_OFF else { return execute() }
        guard send() == 1 else { return nil }
        return takeResult(connection, spinning: alone, inputRead: false)
    }

    /// Spins on the socket for the reply to the statement just sent, for as long as the
    /// policy allows, so that a fast reply is read without sleeping; true when it came.
    @discardableResult
    private func watchForReply(_ connection: OpaquePointer) -> Bool {
        guard ReplyWaiters.mayEverSpin else { return false }
        let budget = replySpin.nextBudget()
        guard budget > 0 else { return false }
        let outcome = ReplyWaiters.spin(socket: PQsocket(connection), budget: budget)
        replySpin.record(outcome)
        return outcome == .caught
    }

    /// Reads the sent statement's results to the end and returns the one PQexec would: the
    /// last, unless one of them is an error (the first error, then). When `spinning`, each wait
    /// for more of the reply (a large result comes in many pieces) is first spun for, as
    /// `watchForReply` does, until the policy says stop; then libpq sleeps as usual. Over TLS
    /// or GSS encryption the socket does not tell what the encryption library already holds,
    /// so only a wait before any of the reply was read (`inputRead` false) is spun for there.
    private func takeResult(_ connection: OpaquePointer, spinning: Bool, inputRead: Bool) -> OpaquePointer? {
        var last: OpaquePointer?
        var failure: OpaquePointer?
        let encrypted = PQsslInUse(connection) == 1 || PQgssEncInUse(connection) == 1
        var spins = spinning && !(encrypted && inputRead)
        while true {
            while spins, PQisBusy(connection) == 1 {
                guard watchForReply(connection), PQconsumeInput(connection) == 1 else {
                    spins = false
                    break
                }
                if encrypted { spins = false }
            }
            guard let result = PQgetResult(connection) else { break }
            let status = PQresultStatus(result)
            if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE {
                if failure == nil { failure = result } else { PQclear(result) }
            } else {
                if let last { PQclear(last) }
                last = result
            }
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH || isBroken { break }
        }
        if failure != nil, let last { PQclear(last) }
        return failure ?? last
    }

    /// A statement sent by `send`, whose reply `finish` collects.
    struct SentStatement: @unchecked Sendable {
        // Safety: only read by `finish`, on the connection thread, after `send` returned.
        let query: PGQuery
        let key: StatementCache.Key?
        let metadata: PGResultMetadata?
        let started: ContinuousClock.Instant?
        /// Whether every byte went out; if not, `finish` flushes the rest first.
        let isFlushed: Bool
    }

    /// Sends a statement without waiting (libpq's non-blocking mode), from whichever thread
    /// holds the connection, when that needs no round trip of its own: nil when the statement
    /// is not prepared yet or names an extension type not looked up yet (`execute` does both).
    func send(_ query: PGQuery) throws(PGError) -> SentStatement? {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        if PGBindings.usesUnknownExtensionTypes(query.parameters, types: types) { return nil }
        // Once libpq holds its own copy of the values (or nothing is sent), a large value's
        // storage is not kept.
        defer { if sendBindings.retainedBytes > Self.keptBindingBytes { sendBindings = PGBindings(types: types) } }
        try sendBindings.encode(query.parameters, types: types)
        var key: StatementCache.Key?
        var metadata: PGResultMetadata?
        var name: String?
        if statements.capacity > 0, StatementCache.isCacheable(query.sql) {
            let cacheKey = StatementCache.Key(sql: query.sql, parameterTypes: sendBindings.oids)
            guard let cached = statements.lookup(cacheKey) else { return nil }
            key = cacheKey
            metadata = cached.metadata
            name = cached.name
            noteEffects(cached.effects)
        } else {
            noteEffects(of: query.sql)
        }
        let started = logger.logLevel <= .debug ? ContinuousClock.now : nil
        PQsetnonblocking(connection, 1)
        // Counted until `finish` reads the reply, so that no other statement spins meanwhile.
        _ = ReplyWaiters.enter()
        guard sendBound(query.sql, preparedName: name, sendBindings) else {
            ReplyWaiters.leave()
            PQsetnonblocking(connection, 0)
            throw connectionError(query: query.sql)
        }
        let flushed = PQflush(connection)
        if flushed < 0 {
            ReplyWaiters.leave()
            PQsetnonblocking(connection, 0)
            throw connectionError(query: query.sql)
        }
        return SentStatement(query: query, key: key, metadata: metadata, started: started, isFlushed: flushed == 0)
    }

    /// Watches the socket for the reply to `sent` from the thread that sent it, as `replySpin`
    /// allows and only while no other statement of the process waits for one, nor did a moment
    /// ago (`ReplyWaiters.isAloneAndQuiet`): true when the
    /// server's whole result is in, so that `finish` reads it there and then (the connection's
    /// thread is not woken at all); false when it is not (yet), and the thread collects it.
    func replyArrivedWhileWatching(_ sent: SentStatement) -> Bool {
        guard sent.isFlushed, let connection, replySpin.limit > 0, ReplyWaiters.isAloneAndQuiet,
              PQsslInUse(connection) == 0, PQgssEncInUse(connection) == 0,
              watchForReply(connection) else { return false }
        // A failed read (the connection broke) is in too: `finish` reports it.
        guard PQconsumeInput(connection) == 1 else { return true }
        return PQisBusy(connection) == 0
    }

    /// Waits for the reply to a statement `send` sent (on the connection thread, blocking) and
    /// returns its result, or throws its error, as `execute` would have.
    func finish(_ sent: SentStatement) throws(PGError) -> PGResultStorage {
        defer { ReplyWaiters.leave() }
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        defer { if let started = sent.started { logQuery(sent.query, since: started) } }
        // Send what did not fit in the socket at once (a large parameter), then go back to
        // blocking mode. A failed flush leaves no result: `check` reports the lost connection.
        let flushed = sent.isFlushed || (try? flushNonBlocking(query: sent.query.sql)) != nil
        PQsetnonblocking(connection, 0)
        var result: OpaquePointer?
        if flushed {
            // The thread's poll saw the reply arrive: read it now, or PQgetResult polls again
            // before reading (a second system call per statement).
            _ = PQconsumeInput(connection)
            result = takeResult(connection, spinning: ReplyWaiters.isAlone, inputRead: true)
        }
        do {
            let storage = try check(result, query: sent.query.sql, metadata: sent.metadata)
            if let key = sent.key, sent.metadata == nil { statements.setMetadata(storage.metadata, for: key) }
            return storage
        } catch {
            if let key = sent.key { forgetIfInvalidated(key, after: error) }
            throw error
        }
    }

    /// Sends a statement without waiting for its reply: the prepared statement `preparedName`
    /// when there is one, otherwise `sql` unnamed. False when libpq could not queue it.
    func sendBound(_ sql: String, preparedName: String?, _ bindings: PGBindings) -> Bool {
        guard let connection else { return false }
        let sent = bindings.withCArrays { values, lengths, formats, oids in
            // withCString: the implicit String-to-pointer conversion allocates for short strings.
            if let preparedName {
                return preparedName.withCString { PQsendQueryPrepared(connection, $0, Int32(bindings.count), values, lengths, formats, 1) }
            }
            return PQsendQueryParams(connection, sql, Int32(bindings.count), oids, values, lengths, formats, 1)
        }
        return sent == 1
    }

    /// In non-blocking mode, sends everything libpq holds for the server. While the socket is
    /// full it waits for it and takes in the server's input meanwhile, as libpq asks, so that
    /// neither side's buffers fill up and deadlock; `onInput` reads that input (by default
    /// libpq just buffers it).
    func flushNonBlocking(query: String?, onInput: (() throws(PGError) -> Void)? = nil) throws(PGError) {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        while true {
            let pending = PQflush(connection)
            if pending == 0 { return }
            if pending < 0 { throw connectionError(query: query) }
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN | POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, 1000)
            guard descriptor.revents & Int16(POLLIN) != 0 else { continue }
            if let onInput {
                try onInput()
            } else if PQconsumeInput(connection) == 0 {
                throw connectionError(query: query)
            }
        }
    }

    /// libpq 15 keeps single-row mode from a streamed statement until the next statement sent
    /// outside pipeline mode, and would otherwise apply it to a pipeline's first statement;
    /// an empty query clears it. Called before entering pipeline mode.
    func clearLingeringSingleRowMode() {
        guard singleRowModeMayLinger, let connection else { return }
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        PQclear(PQexec(connection, ""))
        singleRowModeMayLinger = false
    }

    /// Forgets a prepared statement whose plan a schema change invalidated, so that it is
    /// prepared afresh next time.
    private func forgetIfInvalidated(_ key: StatementCache.Key, after error: PGError) {
        if error.sqlState == PGSQLState(rawValue: "0A000") || error.sqlState == PGSQLState(rawValue: "26000") {
            statements.remove(key)
        }
    }

    /// The name of a prepared statement for `sql`, preparing it on first use; nil when the
    /// cache is off (PgBouncer mode) or the statement is not worth preparing.
    func preparedStatementName(for sql: String, parameterTypes: [UInt32]) throws(PGError) -> String? {
        guard let connection, statements.capacity > 0, StatementCache.isCacheable(sql) else { return nil }
        let key = StatementCache.Key(sql: sql, parameterTypes: parameterTypes)
        if let cached = statements.lookup(key) { return cached.name }
        return try prepare(key, connection: connection)
    }

    private func prepare(_ key: StatementCache.Key, connection: OpaquePointer) throws(PGError) -> String {
        // In flight on this connection: no other statement spins for its reply meanwhile.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        let (name, evicted) = statements.insert(key)
        if let evicted { PQclear(PQexec(connection, "DEALLOCATE \(evicted)")) }
        let prepared = key.parameterTypes.withUnsafeBufferPointer { oids in
            PQprepare(connection, name, key.sql, Int32(key.parameterTypes.count), oids.baseAddress)
        }
        do {
            _ = try check(prepared, query: key.sql)
        } catch {
            statements.remove(key)
            throw error
        }
        return name
    }

    /// Runs SQL through the simple protocol: several statements allowed, no parameters, text results.
    func executeSimple(_ sql: String) throws(PGError) {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        noteEffects(of: sql)
        let started = logger.logLevel <= .debug ? ContinuousClock.now : nil
        defer { if let started { logQuery(PGQuery(sql), since: started) } }
        let alone = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard PQsendQuery(connection, sql) == 1 else { throw connectionError(query: sql) }
        // A reply caught is read now; otherwise PQgetResult would poll once more before reading.
        if alone, watchForReply(connection) { _ = PQconsumeInput(connection) }
        var firstError: PGError?
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            if firstError == nil, status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE {
                firstError = makeError(from: result, query: sql)
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        if PQstatus(connection) != CONNECTION_OK { throw connectionError(query: sql) }
    }

    /// Runs SQL through the simple protocol and returns the last statement's rows as text, for
    /// showing results of statements whose shape is unknown in advance.
    func simpleQuery(_ sql: String) throws(PGError) -> (columns: [String], rows: [[String?]]) {
        // In flight on this connection: no other statement spins for its reply meanwhile.
        _ = ReplyWaiters.enter()
        defer { ReplyWaiters.leave() }
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        noteEffects(of: sql)
        guard PQsendQuery(connection, sql) == 1 else { throw connectionError(query: sql) }
        var columns: [String] = []
        var rows: [[String?]] = []
        var failure: PGError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE {
                if failure == nil { failure = makeError(from: result, query: sql) }
                continue
            }
            columns = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
            rows = (0..<PQntuples(result)).map { row in
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            }
        }
        if let failure { throw failure }
        return (columns, rows)
    }

    /// Converts a libpq result into storage, or throws the server's error.
    func check(_ result: OpaquePointer?, query: String, metadata: PGResultMetadata? = nil) throws(PGError) -> PGResultStorage {
        guard let result else { throw connectionError(query: query) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            return PGResultStorage(handle: result, context: decodingContext, metadata: metadata)
        default:
            let error = makeError(from: result, query: query)
            PQclear(result)
            throw error
        }
    }

    func makeError(from result: OpaquePointer, query: String?) -> PGError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        if isBroken {
            var error = connectionError(query: query)
            if let sqlState = field("C") { error.sqlState = PGSQLState(rawValue: sqlState) }
            return error
        }
        guard let sqlState = field("C") else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            return PGError(.protocolViolation, message.isEmpty ? "unknown error" : message)
        }
        var error = PGError(.server, field("M") ?? "unknown error", sqlState: PGSQLState(rawValue: sqlState))
        error.severity = field("V") ?? field("S")
        error.detail = field("D")
        error.hint = field("H")
        error.schema = field("s")
        error.table = field("t")
        error.column = field("c")
        error.constraint = field("n")
        error.dataType = field("d")
        error.position = field("P").flatMap { Int($0) }
        error.whereContext = field("W")
        error.query = query
        return error
    }

    func connectionError(query: String?) -> PGError {
        let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "the connection is closed"
        var error = PGError(.connectionLost, message.trimmingCharacters(in: .whitespacesAndNewlines))
        if error.message.isEmpty { error.message = "the server closed the connection" }
        error.query = query
        return error
    }

    private func logQuery(_ query: PGQuery, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = ["sql": "\(query.sql)", "duration": "\(elapsed)"]
        if logsParameterValues {
            metadata["parameters"] = "\(query.parameters.map { String(describing: $0) })"
        } else if !query.parameters.isEmpty {
            metadata["parameters"] = "\(query.parameters.count) bound"
        }
        logger.debug("query", metadata: metadata)
    }
}
