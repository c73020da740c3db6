import Foundation
import PGKit

/// Sessions: create (for a user or anonymous), find, a user's sessions newest first, delete.
public struct SessionRepository: Sendable {
    let context: RepositoryContext
    private var store: RecordStore<Session> { context.store(Session.self) }

    /// Creates a session; `userId` nil makes an anonymous one.
    @discardableResult
    public func createSession(userId: UUID? = nil, expiresAt: Date? = nil) async throws -> Session {
        let insert = { (context: RepositoryContext) in
            try await ConstraintErrors.translating(["user_id": userId?.uuidString ?? ""]) {
                try await context.store(Session.self).insert(SessionInsert(userId: userId, expiresAt: expiresAt))
            }
        }
        if let userId { return try await context.actingFor(userId, insert) }
        return try await insert(context)
    }

    public func find(id: UUID) async throws -> Session? { try await store.find(id) }

    /// The session, only when it belongs to `userId`.
    public func find(id: UUID, userId: UUID) async throws -> Session? {
        try await context.actingFor(userId) { scoped in
            let rows = try await scoped.executor.query(
                "SELECT \(unescaped: Session.selectList) FROM sessions WHERE id = \(id) AND user_id = \(userId)")
            return try rows.first.map(Session.init(row:))
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
}
