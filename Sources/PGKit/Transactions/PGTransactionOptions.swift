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

        public static let never = Retry(maxAttempts: 1, initialBackoff: .zero)

        /// Up to `count` attempts with a short exponential backoff.
        public static func attempts(_ count: Int, initialBackoff: Duration = .milliseconds(5)) -> Retry {
            Retry(maxAttempts: max(1, count), initialBackoff: initialBackoff)
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
