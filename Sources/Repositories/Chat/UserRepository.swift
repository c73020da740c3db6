import Foundation
import PGKit

/// Users: create, find by id or email (case-insensitive), update, delete, and sign-up with a
/// first session in one transaction.
public struct UserRepository: Sendable {
    let context: RepositoryContext
    private var store: RecordStore<User> { context.store(User.self) }

    public func create(email: String, name: String? = nil) async throws -> User {
        try await ConstraintErrors.translating(["email": email]) {
            try await store.insert(UserInsert(email: email, name: name))
        }
    }

    public func find(id: UUID) async throws -> User? {
        try await context.actingFor(id) { try await $0.store(User.self).find(id) }
    }

    public func find(email: String) async throws -> User? {
        let rows = try await context.executor.query(
            "SELECT \(unescaped: User.selectList) FROM users WHERE email = \(email)::citext")
        return try rows.first.map(User.init(row:))
    }

    public func update(id: UUID, _ changes: UserUpdate) async throws -> User {
        var values: [String: String] = [:]
        if case .set(let email) = changes.email { values["email"] = email }
        return try await context.actingFor(id) { scoped in
            try await ConstraintErrors.translating(values) { try await scoped.store(User.self).update(id, changes) }
        }
    }

    /// Deletes the user; their sessions, messages, character files and memories go with them.
    public func delete(id: UUID) async throws {
        try await context.actingFor(id) { try await $0.store(User.self).delete(id) }
    }

    public func list(_ page: PageRequest = PageRequest()) async throws -> Page<User> {
        try await store.list(orderBy: RecordOrder("created_at"), page: page)
    }

    /// Creates a user and a first session (expiring in 30 days) in one transaction (seed 002).
    public func createUserWithSession(email: String, name: String? = nil,
                                      sessionLifetime: TimeInterval = 30 * 24 * 60 * 60) async throws -> (user: User, session: Session) {
        try await context.executor.transaction(PGTransactionOptions()) { connection in
            let user = try await ConstraintErrors.translating(["email": email]) {
                try await RecordStore<User>(executor: connection).insert(UserInsert(email: email, name: name))
            }
            if context.setsCurrentUser { try await CurrentUser.set(user.id, on: connection) }
            let session = try await RecordStore<Session>(executor: connection).insert(
                SessionInsert(userId: user.id, expiresAt: Date(timeIntervalSinceNow: sessionLifetime)))
            return (user, session)
        }
    }
}
