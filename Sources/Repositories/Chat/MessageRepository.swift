import Foundation
import PGKit

/// Messages: create, a session's messages in order with cursor pagination, full-text search
/// across one user's sessions, count, delete.
public struct MessageRepository: Sendable {
    /// The longest message content accepted, in characters (Unicode scalars, as PostgreSQL counts).
    public static let maximumContentLength = 100_000

    let context: RepositoryContext
    private var store: RecordStore<Message> { context.store(Message.self) }

    @discardableResult
    public func createMessage(content: String, role: MessageRole, sessionId: UUID) async throws -> Message {
        let length = content.unicodeScalars.count
        guard length <= Self.maximumContentLength else {
            throw RepositoryError.contentTooLong(limit: Self.maximumContentLength, length: length)
        }
        return try await ConstraintErrors.translating(["session_id": sessionId.uuidString]) {
            try await store.insert(MessageInsert(sessionId: sessionId, role: role.rawValue, content: content))
        }
    }

    public func find(id: UUID) async throws -> Message? { try await store.find(id) }

    /// A session's messages, oldest first; pass `nextCursor` back as `after` for the next page.
    public func messages(inSession sessionId: UUID, page: PageRequest = PageRequest()) async throws -> Page<Message> {
        try await store.list(where: .equals("session_id", sessionId), orderBy: RecordOrder("created_at"), page: page)
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
    /// over the messages of `userId`'s sessions, best matches first.
    public func search(_ text: String, userId: UUID, limit: Int = 20) async throws -> [SearchResult] {
        let limit = min(max(limit, 1), PageRequest.maximumLimit)
        return try await context.actingFor(userId) { scoped in
            let columns = Message.columnNames.map { "m." + PGQuery.quoteIdentifier($0) }.joined(separator: ", ")
            let rows = try await scoped.executor.query("""
                SELECT \(unescaped: columns), ts_rank(to_tsvector('english', m.content), query)::float8 AS rank
                FROM messages m
                JOIN sessions s ON s.id = m.session_id,
                     websearch_to_tsquery('english', \(text)) query
                WHERE s.user_id = \(userId) AND to_tsvector('english', m.content) @@ query
                ORDER BY rank DESC, m.created_at DESC
                LIMIT \(limit)
                """)
            return try rows.map { row in
                SearchResult(message: try Message(row: row), rank: try row.decode(Double.self, at: Message.columnNames.count))
            }
        }
    }

    public func delete(id: UUID) async throws { try await store.delete(id) }
}
