/// How a transaction runs: isolation level, access mode, and automatic retry of transient
/// failures (serialization failures and deadlocks).
///
/// ```swift
/// try await db.transaction(.init(isolation: .serializable, retry: .attempts(5))) { tx in ... }
/// ```
public struct PGTransactionOptions: Sendable {
    /// SQL isolation levels.
    public enum Isolation: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Whether and how often to rerun the whole transaction after a transient failure.
    public struct Retry: Sendable {
        /// Total attempts, including the first.
        public var maxAttempts: Int
        /// Delay before the second attempt; doubles on each further attempt, with jitter.
        public var initialBackoff: Duration
        /// Whether a pool (`PGPool.transaction`) also reruns the transaction on a new
        /// connection when its connection was lost, or its server turned read-only, before
        /// `COMMIT` was sent: nothing was committed then, so rerunning is safe. A connection
        /// lost after `COMMIT` was sent is `.outcomeUnknown` and never rerun.
        public var afterConnectionLoss: Bool = true

        public static let never = Retry(maxAttempts: 1, initialBackoff: .zero)

        /// Up to `count` attempts with a short exponential backoff, rerunning after serialization
        /// failures and deadlocks and, in a pool, after a connection lost before `COMMIT`
        /// (unless `afterConnectionLoss` is false).
        /// ```swift
        /// try await pool.transaction(.init(retry: .attempts(5))) { tx in ... }   // survives a failover
        /// ```
        public static func attempts(_ count: Int, initialBackoff: Duration = .milliseconds(5), afterConnectionLoss: Bool = true) -> Retry {
            Retry(maxAttempts: max(1, count), initialBackoff: initialBackoff, afterConnectionLoss: afterConnectionLoss)
        }

        /// Whether `error`, from an attempt whose connection is now `connectionBroken`, is worth
        /// another attempt (attempts left aside).
        func retries(_ error: PGError, connectionBroken: Bool) -> Bool {
            if error.isTransient { return true }
            guard afterConnectionLoss, connectionBroken, error.kind != .outcomeUnknown else { return false }
            return error.isConnectionError || error.isReadOnly || error.kind == .timedOut
        }
    }

    /// nil uses the server's default (normally READ COMMITTED).
    public var isolation: Isolation?
    public var readOnly: Bool
    /// Only meaningful with `.serializable` and `readOnly`: waits for a safe snapshot, then
    /// never fails with a serialization error.
    public var deferrable: Bool
    public var retry: Retry
    /// Configuration parameters for this transaction only (`set_config(name, value, true)`,
    /// like `SET LOCAL`), sent in the same round trip as `BEGIN`: row-level security's current
    /// user, `hnsw.ef_search`, `statement_timeout`... Inside another transaction they apply to
    /// the savepoint's remainder of the outer transaction, as `SET LOCAL` does.
    /// ```swift
    /// try await conn.transaction(PGTransactionOptions(settings: ["app.user_id": id.uuidString])) { tx in ... }
    /// ```
    public var settings: [String: String]

    public init(isolation: Isolation? = nil, readOnly: Bool = false, deferrable: Bool = false, retry: Retry = .never,
                settings: [String: String] = [:]) {
        self.isolation = isolation
        self.readOnly = readOnly
        self.deferrable = deferrable
        self.retry = retry
        self.settings = settings
    }

    /// The `BEGIN` statement for these options.
    var beginStatement: String {
        var sql = "BEGIN"
        if let isolation { sql += " ISOLATION LEVEL \(isolation.rawValue)" }
        if readOnly { sql += " READ ONLY" }
        if deferrable { sql += " DEFERRABLE" }
        return sql
    }
}
