import PGKit

/// A migration statement waiting for a table lock, and the sessions it waits for: those holding
/// a conflicting lock, or queued ahead of it for one (`pg_blocking_pids`), as `pg_stat_activity`
/// shows them.
///
/// Read on a second connection while the statement waits (``LockWaitQuery``), and kept by the
/// migrator for its messages: `waits for AccessExclusiveLock on messages, held by pid 4242
/// (app "api", user chat_api, idle in transaction for 12s): SELECT count(*) FROM messages`.
public struct LockWait: Sendable, Equatable {
    /// The lock mode the statement asked for (`AccessExclusiveLock`), when the server says.
    public let mode: String?
    /// The table (or index) it is for; nil for a wait on a transaction or another object.
    public let relation: String?
    public let blockers: [BlockingSession]

    public init(mode: String?, relation: String?, blockers: [BlockingSession]) {
        self.mode = mode
        self.relation = relation
        self.blockers = blockers
    }

    /// `AccessExclusiveLock on messages, held by pid 4242 (...): SELECT ...; pid 4243 (...)`.
    public var description: String {
        var text = mode ?? "a lock"
        if let relation { text += " on \(relation)" }
        text += blockers.isEmpty ? "" : ", held by " + blockers.map(\.description).joined(separator: "; ")
        return text
    }
}

/// One session a lock wait is blocked by, from `pg_stat_activity`. Without the
/// `pg_read_all_stats` role (or being the same user), PostgreSQL hides another user's state,
/// times and query: those are nil then.
public struct BlockingSession: Sendable, Equatable {
    public let pid: Int32
    public let applicationName: String
    public let user: String
    /// `active`, `idle in transaction`...
    public let state: String?
    /// How long its transaction (or, outside one, its query) has been running.
    public let running: Duration?
    /// The start of its current (or, when idle, last) query, on one line.
    public let query: String?

    public init(pid: Int32, applicationName: String, user: String, state: String?, running: Duration?, query: String?) {
        self.pid = pid
        self.applicationName = applicationName
        self.user = user
        self.state = state
        self.running = running
        self.query = query
    }

    /// `pid 4242 (app "api", user chat_api, idle in transaction for 12s): SELECT count(*) FROM messages`.
    public var description: String {
        var details: [String] = []
        if !applicationName.isEmpty { details.append("app \"\(applicationName)\"") }
        if !user.isEmpty { details.append("user \(user)") }
        if let state {
            details.append(running.map { "\(state) for \(PGDurationText.describe($0))" } ?? state)
        } else {
            details.append("state hidden: needs pg_read_all_stats")
        }
        var text = "pid \(pid) (\(details.joined(separator: ", ")))"
        if let query, !query.isEmpty { text += ": \(Self.oneLine(query, limit: 100))" }
        return text
    }

    /// `text` with runs of white space (line breaks included) as one space, cut at `limit`
    /// characters with an ellipsis.
    static func oneLine(_ text: String, limit: Int) -> String {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count <= limit ? words : String(words.prefix(limit)) + "…"
    }
}

/// The query behind ``LockWait``: what a backend waits for and who blocks it. Kept apart from
/// the migration lock's wait (which reports the other dbctl holding the advisory lock), so the
/// two can share one query later.
enum LockWaitQuery {
    /// What `pid` waits for and the sessions blocking it; nil when nothing blocks it.
    static func lockWait(of pid: Int32, on connection: PGConnection) async throws -> LockWait? {
        let rows = try await connection.query("""
            SELECT w.mode, w.relation, a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''),
                   a.state, extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start))::float8,
                   left(a.query, 300)
            FROM unnest(pg_blocking_pids(\(pid))) AS b (pid)
            JOIN pg_stat_activity a ON a.pid = b.pid
            LEFT JOIN LATERAL (
                SELECT l.mode, CASE WHEN l.locktype = 'relation' THEN l.relation::regclass::text END AS relation
                FROM pg_locks l WHERE l.pid = \(pid) AND NOT l.granted LIMIT 1
            ) w ON true
            ORDER BY a.pid
            """)
        var mode: String?, relation: String?
        var blockers: [BlockingSession] = []
        for row in rows {
            let (waitMode, waitRelation, blocker, application, user, state, seconds, query) =
                try row.decode((String?, String?, Int32, String, String, String?, Double?, String?).self)
            mode = waitMode
            relation = waitRelation
            blockers.append(BlockingSession(pid: blocker, applicationName: application, user: user, state: state,
                                            running: seconds.map { .milliseconds(Int64(max(0, $0) * 1000)) }, query: query))
        }
        return blockers.isEmpty ? nil : LockWait(mode: mode, relation: relation, blockers: blockers)
    }
}
