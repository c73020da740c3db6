import Foundation
import PGKit
import Synchronization

/// Live subscriptions to the chat data, scoped to one user (`db.live`): a session's messages,
/// a user's sessions, a user's memories, each an `AsyncSequence` of `RecordChange`s.
///
/// ```swift
/// for try await change in try await db.live.messages(inSession: session.id, userId: user.id) {
///     switch change {
///     case .inserted(let message), .updated(let message): show(message)
///     case .deleted(let message): remove(message.id)
///     case .mayHaveMissedChanges: reloadMessages()
///     }
/// }
/// ```
/// Every subscription of a `Database` shares one `PGChangeFeed` (one replication connection on
/// a temporary slot, opened by the first subscription and closed by `shutdown()`). Logical
/// replication bypasses row-level security, so each subscription filters the changes itself by
/// the rules of the policies in migrations/0002: a session and a memory are their `user_id`'s,
/// a message is its session's user's. A subscription for one user never yields another's row.
public final class LiveData: Sendable {
    /// Where the change feed connects and what it reads.
    public struct Options: Sendable {
        /// The login for the replication connection: a role with `REPLICATION` (or a
        /// superuser). Nil: the pool's own configuration.
        public var replicationConfig: PGConfig?
        /// The publication of the chat tables (migration 0007 creates `pgkit_chat_changes`).
        public var publication: String
        /// The feed's buffering and reconnection.
        public var feed: PGChangeFeed.Options

        /// The pool's login, `pgkit_chat_changes`, the feed's defaults.
        public init(replicationConfig: PGConfig? = nil, publication: String = "pgkit_chat_changes",
                    feed: PGChangeFeed.Options = PGChangeFeed.Options()) {
            self.replicationConfig = replicationConfig
            self.publication = publication
            self.feed = feed
        }
    }

    /// The tables whose deletes and updates must carry the whole old row (their owners).
    static let fullIdentityTables = ["sessions", "messages", "memories"]

    public let options: Options
    private let pool: PGPool
    private let context: RepositoryContext
    private let current = Mutex<Task<PGChangeFeed, any Error>?>(nil)

    init(pool: PGPool, context: RepositoryContext, options: Options) {
        self.pool = pool
        self.context = context
        self.options = options
    }

    /// The shared change feed, started when first needed (and again after it ended).
    public func changeFeed() async throws -> PGChangeFeed {
        let task = current.withLock { current -> Task<PGChangeFeed, any Error> in
            if let current { return current }
            let task = Task { try await self.startFeed() }
            current = task
            return task
        }
        do {
            let feed = try await task.value
            guard feed.hasEnded else { return feed }
            current.withLock { if $0 == task { $0 = nil } }
            return try await changeFeed()
        } catch {
            current.withLock { if $0 == task { $0 = nil } }
            throw error
        }
    }

    private func startFeed() async throws -> PGChangeFeed {
        let partial = try await pool.query("""
            SELECT c.relname::text FROM pg_class c
            WHERE c.oid = ANY(ARRAY[to_regclass('sessions'), to_regclass('messages'), to_regclass('memories')]::oid[])
              AND c.relreplident <> 'f' ORDER BY 1
            """).map { try $0.decode(String.self, at: 0) }
        guard partial.isEmpty else {
            throw PGError(.invalidConfiguration, "live subscriptions need REPLICA IDENTITY FULL on \(partial.joined(separator: ", ")) "
                + "(migration 0007_live_data sets it): without it a delete does not say whose row went")
        }
        return try await PGChangeFeed.start(options.replicationConfig ?? pool.config, publication: options.publication, options: options.feed)
    }

    /// Closes the feed: every subscription ends.
    func close() async {
        guard let task = current.withLock({ current in defer { current = nil }; return current }) else { return }
        if let feed = try? await task.value { await feed.close() }
    }

    // MARK: Subscriptions

    /// The messages of `sessionId` as they are created, edited (content, parts, status) and
    /// deleted, for `userId` (nil: an anonymous session, as row-level security sees it with no
    /// user set). Throws `notFound` unless the session is that user's now. Yields what commits
    /// after it returns; ends when the session is deleted (after its messages' deletes) or
    /// given to another user (nothing of that transaction is yielded). After a gap it checks
    /// the session is still the user's, and ends if not.
    public func messages(inSession sessionId: UUID, userId: UUID?) async throws -> RecordSubscription<Message> {
        let messages = RecordScope<Message>.owned(by: "session_id", sessionId)
        let session = RecordScope<Session>.owned(by: "id", sessionId)
        let owner = RecordScope<Session>.owned(by: "user_id", userId)
        let subscription = try await changeFeed().subscribe(tables: ["messages", "sessions"]) { change in
            change.table == "sessions" ? session.concerns(change) : messages.concerns(change)
        }
        let isOwned: @Sendable () async throws -> PGLSN? = { [context] in
            try await Self.sessionOwnership(sessionId, userId: userId, context: context)
        }
        guard let start = try await isOwned() else {
            subscription.cancel()
            throw RepositoryError.notFound(table: Session.tableName, id: sessionId.uuidString)
        }
        subscription.skipTransactions(committedBefore: start)
        return RecordSubscription(base: subscription, interpret: { transaction in
            var ends = false
            for change in transaction.changes where change.table == "sessions" {
                switch change.operation {
                case .delete:
                    ends = true
                case .update where !(change.newRow.map(owner.owns) ?? false):
                    return ([], true)   // given to someone else: nothing of it is this user's
                default:
                    break
                }
            }
            let events = try transaction.changes.filter { $0.table == "messages" }.compactMap(messages.event(for:))
            return (events, ends)
        }, recheck: { try await isOwned() != nil })
    }

    /// `userId`'s sessions as they are created, updated (title, archive, counters...) and
    /// deleted; a session given to or taken from the user arrives as inserted or deleted.
    public func sessions(forUser userId: UUID) async throws -> RecordSubscription<Session> {
        try await subscribe(RecordScope<Session>.owned(by: "user_id", userId), userId: userId)
    }

    /// `userId`'s memories as they are created, updated and deleted.
    public func memories(forUser userId: UUID) async throws -> RecordSubscription<Memory> {
        try await subscribe(RecordScope<Memory>.owned(by: "user_id", userId), userId: userId)
    }

    private func subscribe<Record: TableRecord>(_ scope: RecordScope<Record>, userId: UUID) async throws -> RecordSubscription<Record> {
        let subscription = try await changeFeed().subscribe(tables: [Record.tableName], where: scope.concerns)
        subscription.skipTransactions(committedBefore: try await PGChangeFeed.currentPosition(on: pool))
        return RecordSubscription(base: subscription, interpret: { transaction in
            (try transaction.changes.compactMap(scope.event(for:)), false)
        }, recheck: nil)
    }

    /// The log position now if `sessionId` is `userId`'s (or anonymous, for nil), read as that
    /// user (so row-level security, when on, applies too); nil when it is not.
    static func sessionOwnership(_ sessionId: UUID, userId: UUID?, context: RepositoryContext) async throws -> PGLSN? {
        let query: PGQuery = """
            SELECT pg_current_wal_insert_lsn()::text FROM sessions WHERE id = \(sessionId) AND user_id IS NOT DISTINCT FROM \(userId)
            """
        let text: String?
        if let userId {
            text = try await context.actingFor(userId) { try await $0.executor.query(query).scalar(String.self) }
        } else {
            text = try await context.executor.query(query).scalar(String.self)
        }
        return text.flatMap(PGLSN.init)
    }
}
