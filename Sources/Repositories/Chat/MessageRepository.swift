import Foundation
import PGKit

/// Messages: create (text, or typed parts, with metadata and a status), reply in a thread, edit
/// (the database keeps the history), mark status (one or many), a session's messages in order
/// with cursor pagination (all, or one role's), a thread's replies, full-text search across one
/// user's sessions, per-user aggregates, count, delete.
public struct MessageRepository: Sendable {
    /// The longest message content accepted, in characters (Unicode scalars, as PostgreSQL counts).
    public static let maximumContentLength = 100_000

    let context: RepositoryContext
    private var store: RecordStore<Message> { context.store(Message.self) }

    /// A text message. Refused: content over 100,000 characters (`contentTooLong`), empty
    /// content (`emptyMessage`: a message has content or parts), metadata outside its rules.
    @discardableResult
    public func createMessage(content: String, role: MessageRole, sessionId: UUID,
                              metadata: MessageMetadata = MessageMetadata(), status: MessageStatus = .sent) async throws -> Message {
        try Self.validate(content: content, parts: [], metadata: metadata)
        return try await insert(MessageInsert(sessionId: sessionId, role: role.rawValue, content: content,
                                              metadata: metadata.json, status: status.rawValue))
    }

    /// A message of typed parts; its `content` becomes their text (`MessagePart.flattenedText`),
    /// which search indexes. Each part is checked (`MessagePart`), and the whole like `content`.
    @discardableResult
    public func createMessage(parts: [MessagePart], role: MessageRole, sessionId: UUID,
                              metadata: MessageMetadata = MessageMetadata(), status: MessageStatus = .sent) async throws -> Message {
        let content = MessagePart.flattenedText(of: parts)
        try Self.validate(content: content, parts: parts, metadata: metadata)
        return try await insert(MessageInsert(sessionId: sessionId, role: role.rawValue, content: content,
                                              parts: MessagePart.json(parts), metadata: metadata.json, status: status.rawValue))
    }

    private func insert(_ message: MessageInsert) async throws -> Message {
        try await ConstraintErrors.translating(["session_id": message.sessionId.uuidString, "content": message.content]) {
            try await store.insert(message)
        }
    }

    // MARK: Threads

    /// A reply to `parentId`, in its session, one level deeper (`threadTooDeep` past 10 levels;
    /// `unknownMessage` when there is no such message, or, with `userId`, when it is not in
    /// one of that user's sessions).
    @discardableResult
    public func reply(to parentId: UUID, content: String, role: MessageRole, metadata: MessageMetadata = MessageMetadata(),
                      status: MessageStatus = .sent, userId: UUID? = nil) async throws -> Message {
        try Self.validate(content: content, parts: [], metadata: metadata)
        return try await insertReply(to: parentId, content: content, parts: [], role: role, metadata: metadata, status: status, userId: userId)
    }

    /// A reply made of typed parts.
    @discardableResult
    public func reply(to parentId: UUID, parts: [MessagePart], role: MessageRole, metadata: MessageMetadata = MessageMetadata(),
                      status: MessageStatus = .sent, userId: UUID? = nil) async throws -> Message {
        let content = MessagePart.flattenedText(of: parts)
        try Self.validate(content: content, parts: parts, metadata: metadata)
        return try await insertReply(to: parentId, content: content, parts: parts, role: role, metadata: metadata, status: status, userId: userId)
    }

    private func insertReply(to parentId: UUID, content: String, parts: [MessagePart], role: MessageRole,
                             metadata: MessageMetadata, status: MessageStatus, userId: UUID?) async throws -> Message {
        var query: PGQuery = """
            INSERT INTO messages (session_id, parent_message_id, role, content, parts, metadata, status)
            SELECT p.session_id, p.id, \(role.rawValue), \(content), \(MessagePart.json(parts)), \(metadata.json), \(status.rawValue)
            FROM messages p WHERE p.id = \(parentId)
            """
        query.append(Self.ownedBy(userId, session: "p.session_id"))
        query.append(" RETURNING \(unescaped: Message.selectList)")
        let row = try await scoped(userId) { scoped in
            try await ConstraintErrors.translating(["parent_message_id": parentId.uuidString, "content": content]) {
                try await scoped.executor.query(query).first
            }
        }
        guard let row else { throw RepositoryError.unknownMessage(parentId) }
        return try Message(row: row)
    }

    /// A message's direct replies, oldest first, a page at a time.
    public func replies(to messageId: UUID, page: PageRequest = PageRequest()) async throws -> Page<Message> {
        try await store.list(where: .equals("parent_message_id", messageId), orderBy: RecordOrder("created_at"), page: page)
    }

    // MARK: Edits and status

    /// Replaces the message's content (and parts: it becomes a text message); the database
    /// appends what it said before, with the time, to `edit_history` (`decodedEditHistory()`)
    /// and sets `edited_at`. `notFound` when there is no such message (with `userId`, none in
    /// that user's sessions).
    @discardableResult
    public func edit(id: UUID, content: String, userId: UUID? = nil) async throws -> Message {
        try Self.validate(content: content, parts: [], metadata: MessageMetadata())
        return try await update(id: id, userId: userId, values: ["content": content]) {
            "content = \(content), parts = '[]'::jsonb"
        }
    }

    /// Replaces the message's parts (and so its content), keeping the history like
    /// ``edit(id:content:userId:)``.
    @discardableResult
    public func edit(id: UUID, parts: [MessagePart], userId: UUID? = nil) async throws -> Message {
        let content = MessagePart.flattenedText(of: parts)
        try Self.validate(content: content, parts: parts, metadata: MessageMetadata())
        return try await update(id: id, userId: userId, values: ["content": content]) {
            "content = \(content), parts = \(MessagePart.json(parts))"
        }
    }

    /// Sets one message's status.
    @discardableResult
    public func markStatus(_ status: MessageStatus, id: UUID, userId: UUID? = nil) async throws -> Message {
        try await update(id: id, userId: userId, values: [:]) { "status = \(status.rawValue)" }
    }

    /// Sets the status of those of `ids` that are in `userId`'s sessions and do not have it
    /// yet (seed 004's bulk update); returns how many changed. Ids of another user's messages
    /// (or unknown ids) change nothing and are not counted.
    @discardableResult
    public func markStatus(_ status: MessageStatus, ids: [UUID], userId: UUID) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await context.actingFor(userId) { scoped in
            try await scoped.executor.execute("""
                UPDATE messages m SET status = \(status.rawValue)
                WHERE m.id = ANY(\(ids)) AND m.status <> \(status.rawValue)
                  AND EXISTS (SELECT FROM sessions s WHERE s.id = m.session_id AND s.user_id = \(userId))
                """)
        }
    }

    private func update(id: UUID, userId: UUID?, values: [String: String], _ assignments: () -> PGQuery) async throws -> Message {
        var query: PGQuery = "UPDATE messages m SET "
        query.append(assignments())
        query.append(" WHERE m.id = \(id)")
        query.append(Self.ownedBy(userId, session: "m.session_id"))
        query.append(" RETURNING \(unescaped: Message.selectList)")
        var values = values
        values["id"] = id.uuidString
        let row = try await scoped(userId) { scoped in
            try await ConstraintErrors.translating(values) { try await scoped.executor.query(query).first }
        }
        guard let row else { throw RepositoryError.notFound(table: Message.tableName, id: id.uuidString) }
        return try Message(row: row)
    }

    // MARK: Reading

    public func find(id: UUID) async throws -> Message? { try await store.find(id) }

    /// A session's messages, oldest first (only `role`'s when given); pass `nextCursor` back
    /// as `after` for the next page.
    public func messages(inSession sessionId: UUID, role: MessageRole? = nil, page: PageRequest = PageRequest()) async throws -> Page<Message> {
        var filter = RecordFilter.equals("session_id", sessionId)
        if let role { filter = filter && .equals("role", role.rawValue) }
        return try await store.list(where: filter, orderBy: RecordOrder("created_at"), page: page)
    }

    public func count(inSession sessionId: UUID) async throws -> Int {
        try await store.count(where: .equals("session_id", sessionId))
    }

    /// A message found by search, with its relevance (higher is better).
    public struct SearchResult: Sendable {
        public let message: Message
        public let rank: Double
    }

    /// Full-text search (English stemming, web-search syntax: `"exact phrase"`, `or`, `-word`)
    /// over the messages of `userId`'s sessions, best matches first; only one session's when
    /// `sessionId` is given, only one role's when `role` is (`messages_content_search` indexes
    /// the text with the session and the role).
    public func search(_ text: String, userId: UUID, sessionId: UUID? = nil, role: MessageRole? = nil,
                       limit: Int = 20) async throws -> [SearchResult] {
        let limit = min(max(limit, 1), PageRequest.maximumLimit)
        let columns = Message.columnNames.map { "m." + PGQuery.quoteIdentifier($0) }.joined(separator: ", ")
        var query: PGQuery = """
            SELECT \(unescaped: columns), ts_rank(to_tsvector('english', m.content), query)::float8 AS rank
            FROM messages m
            JOIN sessions s ON s.id = m.session_id,
                 websearch_to_tsquery('english', \(text)) query
            WHERE s.user_id = \(userId) AND to_tsvector('english', m.content) @@ query
            """
        if let sessionId { query.append(" AND m.session_id = \(sessionId)") }
        if let role { query.append(" AND m.role = \(role.rawValue)") }
        query.append(" ORDER BY rank DESC, m.created_at DESC LIMIT \(limit)")
        return try await LiveReads.declaring(Self.readsOfUser(userId)) {
            try await context.actingFor(userId) { scoped in
                try await scoped.executor.query(query).map { row in
                    SearchResult(message: try Message(row: row), rank: try row.decode(Double.self, at: Message.columnNames.count))
                }
            }
        }
    }

    // MARK: Seed 004's aggregates, for one user

    /// How many messages `userId`'s sessions hold of each role (every role present, 0 when
    /// there are none; messages of every status count).
    public func messageCountsByRole(userId: UUID) async throws -> [MessageRole: Int] {
        // A checked query: queries/chat_aggregates.sql.
        let rows = try await LiveReads.declaring(Self.readsOfUser(userId)) {
            try await context.actingFor(userId) { scoped in try await scoped.executor.messageCountsByRole(userId: userId) }
        }
        var counts = Dictionary(uniqueKeysWithValues: MessageRole.allCases.map { ($0, 0) })
        for row in rows {
            if let role = MessageRole(rawValue: row.role) { counts[role] = Int(row.count) }
        }
        return counts
    }

    /// The tokens of one day's messages (those whose metadata has `tokens`).
    public struct DailyTokenUsage: Sendable, Hashable {
        public let day: PGDate
        public let messages: Int
        public let prompt: Int
        public let completion: Int
        public let total: Int
    }

    /// The tokens `userId`'s messages used, per calendar day in `timeZone` (UTC unless
    /// given), oldest day first; only days with messages that recorded tokens appear.
    public func tokenUsageByDay(userId: UUID, timeZone: TimeZone = TimeZone(identifier: "UTC")!) async throws -> [DailyTokenUsage] {
        // A zone by name (the server's tz database), or a fixed offset as an interval: the
        // server would read Foundation's "GMT+0100" as POSIX does, an hour west instead of east.
        let zone: PGQuery = timeZone.identifier.hasPrefix("GMT+") || timeZone.identifier.hasPrefix("GMT-")
            ? "make_interval(secs => \(Double(timeZone.secondsFromGMT())))" : "\(timeZone.identifier)::text"
        let rows: PGQueryResult
        do {
            rows = try await LiveReads.declaring(Self.readsOfUser(userId)) { try await context.actingFor(userId) { scoped in
                try await scoped.executor.query("""
                    SELECT (m.created_at AT TIME ZONE \(zone))::date AS day, count(*),
                           sum((m.metadata #>> '{tokens,prompt}')::int8)::int8, sum((m.metadata #>> '{tokens,completion}')::int8)::int8,
                           sum((m.metadata #>> '{tokens,total}')::int8)::int8
                    FROM messages m JOIN sessions s ON s.id = m.session_id
                    WHERE s.user_id = \(userId) AND m.metadata ? 'tokens'
                    GROUP BY day ORDER BY day
                    """)
            } }
        } catch let error as PGError where error.sqlState == PGSQLState(rawValue: "22023") {
            throw RepositoryError.invalidFormat(field: "timeZone", value: timeZone.identifier)   // a zone the server does not know
        }
        return try rows.map { row in
            let (day, messages, prompt, completion, total) = try row.decode((PGDate, Int64, Int64, Int64, Int64).self)
            return DailyTokenUsage(day: day, messages: Int(messages), prompt: Int(prompt), completion: Int(completion), total: Int(total))
        }
    }

    public func delete(id: UUID) async throws { try await store.delete(id) }

    // MARK: Scoping and rules

    /// What a read of `userId`'s messages reads, for live queries: their sessions, and the
    /// messages (which the log cannot tie to a user without the session).
    static func readsOfUser(_ userId: UUID) -> [PGTableRead] {
        [.table("messages"), .rows(of: "sessions", where: [.equals("user_id", userId)])]
    }

    /// Runs `body` acting for `userId` when one is given, directly otherwise.
    private func scoped<T>(_ userId: UUID?, _ body: (RepositoryContext) async throws -> T) async throws -> T {
        guard let userId else { return try await body(context) }
        return try await context.actingFor(userId, body)
    }

    /// ` AND` the session in `column` is `userId`'s, when a user is given.
    static func ownedBy(_ userId: UUID?, session column: String) -> PGQuery {
        guard let userId else { return "" }
        return " AND EXISTS (SELECT FROM sessions s WHERE s.id = \(unescaped: column) AND s.user_id = \(userId))"
    }

    static func validate(content: String, parts: [MessagePart], metadata: MessageMetadata) throws(RepositoryError) {
        if !parts.isEmpty { try MessagePart.validate(parts) }
        let length = content.unicodeScalars.count
        guard length <= maximumContentLength else { throw .contentTooLong(limit: maximumContentLength, length: length) }
        guard length > 0 || !parts.isEmpty else { throw .emptyMessage }
        try metadata.validate()
    }
}
