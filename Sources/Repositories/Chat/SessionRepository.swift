import Foundation
import PGKit

/// Sessions (seed 003's chats): create (for a user or anonymous), find, update, a user's sessions
/// newest first, the dashboard, archiving many at once, message counts, delete.
public struct SessionRepository: Sendable {
    let context: RepositoryContext
    private var store: RecordStore<Session> { context.store(Session.self) }

    /// Creates a session; `userId` nil makes an anonymous one. `title` is 1-200 characters,
    /// `model` a model identifier, `systemPrompt` at most 2,000 characters, `tags` at most 20
    /// of 1-50 characters; each refused with its typed error.
    @discardableResult
    public func createSession(userId: UUID? = nil, expiresAt: Date? = nil, title: String? = nil, model: String? = nil,
                              systemPrompt: String? = nil, settings: SessionSettings = SessionSettings(),
                              tags: [String] = []) async throws -> Session {
        try Self.validate(title: title, model: model, systemPrompt: systemPrompt, tags: tags)
        try settings.validate()
        let values = SessionInsert(userId: userId, expiresAt: expiresAt, title: title, model: model, systemPrompt: systemPrompt,
                                   settings: settings.json, tags: tags)
        let insert = { (context: RepositoryContext) in
            try await ConstraintErrors.translating(Self.values(title: title, model: model, systemPrompt: systemPrompt, userId: userId)) {
                try await context.store(Session.self).insert(values)
            }
        }
        if let userId { return try await context.actingFor(userId, insert) }
        return try await insert(context)
    }

    public func find(id: UUID) async throws -> Session? { try await store.find(id) }

    /// The session, only when it belongs to `userId`.
    public func find(id: UUID, userId: UUID) async throws -> Session? {
        try await LiveReads.declaring([.rows(of: "sessions", where: [.equals("id", id)])]) {
            try await findOwned(id: id, userId: userId)
        }
    }

    private func findOwned(id: UUID, userId: UUID) async throws -> Session? {
        try await context.actingFor(userId) { scoped in
            let rows = try await scoped.executor.query(
                "SELECT \(unescaped: Session.selectList) FROM sessions WHERE id = \(id) AND user_id = \(userId)")
            return try rows.first.map(Session.init(row:))
        }
    }

    /// Applies `changes`, each value checked like `createSession`'s (settings given as JSON
    /// are read as `SessionSettings`). `message_count` and `last_message_at` are the
    /// database's: changes to them are ignored.
    public func update(id: UUID, _ changes: SessionUpdate) async throws -> Session {
        var title: String?, model: String?, systemPrompt: String?, tags: [String] = []
        if case .set(let value) = changes.title { title = value }
        if case .set(let value) = changes.model { model = value }
        if case .set(let value) = changes.systemPrompt { systemPrompt = value }
        if case .set(let value) = changes.tags { tags = value }
        try Self.validate(title: title, model: model, systemPrompt: systemPrompt, tags: tags)
        if case .set(let settings) = changes.settings { _ = try SessionSettings(json: settings) }
        return try await ConstraintErrors.translating(Self.values(title: title, model: model, systemPrompt: systemPrompt, userId: nil)) {
            try await store.update(id, changes)
        }
    }

    /// A user's sessions, newest first.
    public func sessions(forUser userId: UUID, page: PageRequest = PageRequest()) async throws -> Page<Session> {
        try await context.actingFor(userId) { scoped in
            try await scoped.store(Session.self).list(where: .equals("user_id", userId), orderBy: RecordOrder("created_at", descending: true), page: page)
        }
    }

    /// Deletes the session with its messages and character file; its memories keep existing,
    /// detached (session_id set to NULL).
    public func delete(id: UUID) async throws { try await store.delete(id) }

    // MARK: The dashboard

    /// A session on the dashboard, with its newest message (nil for a session without any).
    public struct DashboardEntry: Sendable, Hashable {
        public let session: Session
        public let lastMessage: Message?
    }

    /// Seed 003's user dashboard: `userId`'s sessions that are not archived, most recently
    /// active first (the last message's time, or the session's creation for one without
    /// messages), each with its last message, in one query that walks the
    /// `sessions_user_id_activity` index and takes each last message from
    /// `messages_session_id_created_at`. Pass `nextCursor` back as `after` for the next page.
    public func dashboard(userId: UUID, page: PageRequest = PageRequest()) async throws -> Page<DashboardEntry> {
        var cursor: PageCursor?
        if let after = page.after {
            cursor = try PageCursor.decode(after)
            guard cursor!.column == Self.dashboardOrder, cursor!.descending else { throw RepositoryError.invalidCursor }
        }
        let query = Self.dashboardQuery(userId: userId, after: cursor.map { ($0.value, $0.key) }, limit: page.limit)
        let rows: PGQueryResult
        do {
            let reads: [PGTableRead] = [.rows(of: "sessions", where: [.equals("user_id", userId)]), .table("messages")]
            rows = try await LiveReads.declaring(reads) {
                try await context.actingFor(userId) { scoped in try await scoped.executor.query(query) }
            }
        } catch let error as PGError where cursor != nil && error.sqlState?.errorClass == "22" {
            throw RepositoryError.invalidCursor
        }
        let sessionWidth = Session.columnNames.count, messageWidth = Message.columnNames.count
        let entries = try rows.prefix(page.limit).map { row in
            let message = row.isNull(sessionWidth) ? nil : try Message(row: row.suffix(from: sessionWidth))
            return DashboardEntry(session: try Session(row: row), lastMessage: message)
        }
        var next: String?
        if rows.count > page.limit {
            let last = rows[page.limit - 1]
            next = PageCursor(column: Self.dashboardOrder, descending: true,
                              value: try last.decode(String.self, at: sessionWidth + messageWidth),
                              key: try last.decode(String.self, at: sessionWidth + messageWidth + 1)).encoded()
        }
        return Page(items: entries, nextCursor: next)
    }

    static let dashboardOrder = "dashboard"

    /// The dashboard's statement: a page of `limit` + 1 entries after `after` (the activity
    /// time as text and the session id of the previous page's last entry). The plan test
    /// EXPLAINs it.
    static func dashboardQuery(userId: UUID, after: (activity: String?, id: String)?, limit: Int) -> PGQuery {
        let sessionColumns = Session.columnNames.map { "s." + PGQuery.quoteIdentifier($0) }.joined(separator: ", ")
        let messageColumns = Message.columnNames.map { "m." + PGQuery.quoteIdentifier($0) }.joined(separator: ", ")
        let lastColumns = Message.columnNames.map { "last." + PGQuery.quoteIdentifier($0) }.joined(separator: ", ")
        var query: PGQuery = """
            SELECT \(unescaped: sessionColumns), \(unescaped: lastColumns),
                   coalesce(s.last_message_at, s.created_at)::text, s.id::text
            FROM sessions s
            LEFT JOIN LATERAL (
                SELECT \(unescaped: messageColumns) FROM messages m WHERE m.session_id = s.id
                ORDER BY m.created_at DESC, m.id DESC LIMIT 1) last ON true
            WHERE s.user_id = \(userId) AND NOT s.is_archived
            """
        if let after {
            query.append(" AND (coalesce(s.last_message_at, s.created_at), s.id) < (CAST(\(after.activity) AS timestamptz), CAST(\(after.id) AS uuid))")
        }
        query.append(" ORDER BY coalesce(s.last_message_at, s.created_at) DESC, s.id DESC LIMIT \(limit + 1)")
        return query
    }

    // MARK: Seed 004's bulk updates and counts

    /// Archives those of `ids` that are `userId`'s and not archived yet; returns how many
    /// changed. Ids of another user's sessions (or unknown ids) change nothing and are not counted.
    @discardableResult
    public func archive(_ ids: [UUID], userId: UUID) async throws -> Int {
        try await setArchived(true, ids, userId: userId)
    }

    /// Brings back those of `ids` that are `userId`'s and archived; returns how many changed.
    @discardableResult
    public func unarchive(_ ids: [UUID], userId: UUID) async throws -> Int {
        try await setArchived(false, ids, userId: userId)
    }

    private func setArchived(_ archived: Bool, _ ids: [UUID], userId: UUID) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await context.actingFor(userId) { scoped in
            try await scoped.executor.execute("""
                UPDATE sessions SET is_archived = \(archived)
                WHERE id = ANY(\(ids)) AND user_id = \(userId) AND is_archived <> \(archived)
                """)
        }
    }

    /// How many messages one session holds (`message_count`, kept by the database).
    public struct MessageCount: Sendable, Hashable {
        public let sessionId: UUID
        public let title: String?
        public let messages: Int
        public let lastMessageAt: Date?
        public let isArchived: Bool
    }

    /// The message count of each of `userId`'s sessions (archived ones included), most
    /// messages first, ties newest session first.
    public func messageCounts(userId: UUID) async throws -> [MessageCount] {
        try await LiveReads.declaring([.rows(of: "sessions", where: [.equals("user_id", userId)])]) { try await countMessages(userId: userId) }
    }

    private func countMessages(userId: UUID) async throws -> [MessageCount] {
        try await context.actingFor(userId) { scoped in
            try await scoped.executor.query("""
                SELECT id, title, message_count::int8, last_message_at, is_archived FROM sessions
                WHERE user_id = \(userId) ORDER BY message_count DESC, id DESC
                """).map { row in
                let (id, title, count, last, archived) = try row.decode((UUID, String?, Int64, Date?, Bool).self)
                return MessageCount(sessionId: id, title: title, messages: Int(count), lastMessageAt: last, isArchived: archived)
            }
        }
    }

    // MARK: Rules

    static func validate(title: String?, model: String?, systemPrompt: String?, tags: [String]) throws(RepositoryError) {
        if let title { try ChatRules.checkLength(title, "sessions.title", ChatRules.titleLength) }
        if let model { try ChatRules.checkModel(model, "sessions.model") }
        if let systemPrompt { try ChatRules.checkLength(systemPrompt, "sessions.system_prompt", ChatRules.systemPromptLength) }
        try ChatRules.checkTags(tags)
    }

    static func values(title: String?, model: String?, systemPrompt: String?, userId: UUID?) -> [String: String] {
        var values: [String: String] = [:]
        if let userId { values["user_id"] = userId.uuidString }
        if let title { values["title"] = title }
        if let model { values["model"] = model }
        if let systemPrompt { values["system_prompt"] = systemPrompt }
        return values
    }
}
