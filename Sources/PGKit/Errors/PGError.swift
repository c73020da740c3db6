/// The one error type PGKit throws: what went wrong (`kind`), and for server errors every field
/// the server sent (SQLSTATE, message, detail, hint, constraint, table, column, position).
///
/// Its text never contains a password: connection strings are redacted before they reach it.
/// Its `description` never contains a control character but line feeds and tabs (the server's
/// text goes through ``TerminalSafeText``); `message` and the other fields keep the exact text.
public struct PGError: Error, Sendable, CustomStringConvertible {
    /// The broad category of a failure; server errors refine it with `sqlState`.
    public enum Kind: Sendable, Equatable {
        /// The server rejected a statement; `sqlState` and the server fields are set.
        case server
        /// A connection could not be opened.
        case connectionFailed
        /// An open connection broke (server shut down, network failure, backend terminated).
        case connectionLost
        /// The connection string or configuration is not valid.
        case invalidConfiguration
        /// A value could not be encoded for the server; nothing was sent.
        case invalidParameter
        /// A result value could not be decoded into the requested Swift type.
        case decodingFailed
        /// No connection became available within the pool's acquire timeout.
        case poolTimeout
        /// The pool is shut down (or shutting down) and accepts no more work.
        case poolClosed
        /// The connection is closed.
        case connectionClosed
        /// The operation exceeded a client-side time limit.
        case timedOut
        /// The calling Swift `Task` was cancelled.
        case cancelled
        /// The server answered something PGKit did not expect.
        case protocolViolation
        /// The connection was lost (or timed out) after a `COMMIT`, or a write outside a
        /// transaction, was sent and before the server answered: the work may or may not have
        /// been committed. Retrying blindly could apply it twice; check (by a key the work
        /// wrote) whether it is there before redoing it. See "Automatic failover" in the README.
        case outcomeUnknown
    }

    public var kind: Kind
    /// Human-readable description of the problem (the server's primary message for server errors).
    public var message: String
    /// The SQLSTATE for server errors (and for connection errors the server reported).
    public var sqlState: PGSQLState?
    /// The server's severity (`ERROR`, `FATAL`, `PANIC`).
    public var severity: String?
    public var detail: String?
    public var hint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    public var constraint: String?
    public var dataType: String?
    /// 1-based character position of the error in the statement text, when the server gave one.
    public var position: Int?
    /// Where inside a function body the error happened, when it did.
    public var whereContext: String?
    /// The statement that failed, if any (never its parameter values).
    public var query: String?

    public init(_ kind: Kind, _ message: String, sqlState: PGSQLState? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    /// Whether retrying the whole transaction may succeed (serialization failure or deadlock).
    public var isTransient: Bool {
        sqlState == .serializationFailure || sqlState == .deadlockDetected
    }

    /// Whether this error means the connection can no longer be used (`.outcomeUnknown`
    /// included: its connection is gone too).
    public var isConnectionError: Bool {
        switch kind {
        case .connectionFailed, .connectionLost, .connectionClosed, .outcomeUnknown: return true
        default:
            guard let sqlState else { return false }
            return sqlState.errorClass == "08" || sqlState == .adminShutdown || sqlState == .crashShutdown
        }
    }

    /// Whether the server refused a write because the session, transaction or server is read-only.
    public var isReadOnly: Bool { sqlState == .readOnlySQLTransaction }

    /// The same failure reported as `.outcomeUnknown`: what `statement` was sent for (a
    /// `COMMIT`, a write) may or may not have taken effect.
    func outcomeUnknown(after statement: String) -> PGError {
        var error = self
        error.kind = .outcomeUnknown
        error.message = "the connection was lost after \(statement) was sent and before the server answered, "
            + "so it may or may not have committed (\(message))"
        return error
    }

    public var description: String {
        var text: String
        switch kind {
        case .server: text = "\(severity ?? "ERROR"): \(message)"
        case .connectionFailed: text = "connection failed: \(message)"
        case .connectionLost: text = "connection lost: \(message)"
        case .invalidConfiguration: text = "invalid configuration: \(message)"
        case .invalidParameter: text = "invalid parameter: \(message)"
        case .decodingFailed: text = "cannot decode: \(message)"
        case .poolTimeout: text = "pool timeout: \(message)"
        case .poolClosed: text = "pool closed: \(message)"
        case .connectionClosed: text = "connection closed: \(message)"
        case .timedOut: text = "timed out: \(message)"
        case .cancelled: text = "cancelled: \(message)"
        case .protocolViolation: text = "protocol violation: \(message)"
        case .outcomeUnknown: text = "outcome unknown: \(message)"
        }
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if isReadOnly { text += " [the server or transaction is read-only]" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let constraint { text += "\nCONSTRAINT: \(constraint)" }
        // Server text can hold escape sequences; shown, they would drive the reader's terminal.
        return TerminalSafeText.escaping(text, layout: .multiLine)
    }
}
