import Foundation
import PGKit

/// Users: create, find by id or email (case-insensitive), update, delete, sign-up with a first
/// session in one transaction, one preference at a time, and activity.
public struct UserRepository: Sendable {
    let context: RepositoryContext
    private var store: RecordStore<User> { context.store(User.self) }

    /// Creates a user. `name` follows seed 003's rule (`invalidName`), `image` is a URL of
    /// 1-2,048 characters, `preferences` are validated. With `id`, the user gets that id and the
    /// insert acts for it, which is how a server connected as the application role (row-level
    /// security on) signs a user up: the policy lets a user see only their own row, even the one
    /// `INSERT ... RETURNING` just wrote.
    public func create(email: String, name: String? = nil, image: String? = nil,
                       preferences: UserPreferences = UserPreferences(), id: UUID? = nil) async throws -> User {
        let insert = UserInsert(email: email, name: name, image: image, id: id, preferences: preferences.json)
        try Self.validate(name: name, image: image, preferences: preferences)
        let run = { (context: RepositoryContext) in
            try await ConstraintErrors.translating(Self.values(insert)) {
                try await context.store(User.self).insert(insert)
            }
        }
        if let id { return try await context.actingFor(id, run) }
        return try await run(context)
    }

    public func find(id: UUID) async throws -> User? {
        try await context.actingFor(id) { try await $0.store(User.self).find(id) }
    }

    public func find(email: String) async throws -> User? {
        let rows = try await LiveReads.declaring([.table("users")]) {   // citext: compared case-insensitively
            try await context.executor.query("SELECT \(unescaped: User.selectList) FROM users WHERE email = \(email)::citext")
        }
        return try rows.first.map(User.init(row:))
    }

    public func update(id: UUID, _ changes: UserUpdate) async throws -> User {
        var values: [String: String] = [:]
        if case .set(let email) = changes.email { values["email"] = email }
        if case .set(let name?) = changes.name { values["name"] = name; try ChatRules.checkName(name) }
        if case .set(let image?) = changes.image { values["image"] = image; try ChatRules.checkLength(image, "users.image", ChatRules.imageLength) }
        if case .set(let preferences) = changes.preferences { _ = try UserPreferences(json: preferences) }
        return try await context.actingFor(id) { scoped in
            try await ConstraintErrors.translating(values) { try await scoped.store(User.self).update(id, changes) }
        }
    }

    /// Sets one preference, leaving the others as they are (`jsonb_set` on its path, seed 004's
    /// `$set`), and returns them all; `notFound` for an unknown user.
    @discardableResult
    public func setPreference(_ setting: UserPreferences.Setting, userId: UUID) async throws -> UserPreferences {
        try setting.validate()
        var values: [String: String] = [:]
        if case .string(let text) = setting.json { values["preferences.\(setting.key.rawValue)"] = text }
        return try await changePreferences(userId: userId, values: values) {
            "jsonb_set(preferences, ARRAY[\(setting.key.rawValue)]::text[], \(setting.json), true)"
        }
    }

    /// Removes one preference (back to the app's default), returning the others.
    @discardableResult
    public func removePreference(_ key: UserPreferences.Key, userId: UUID) async throws -> UserPreferences {
        try await changePreferences(userId: userId, values: [:]) { "preferences - \(key.rawValue)::text" }
    }

    private func changePreferences(userId: UUID, values: [String: String], _ expression: () -> PGQuery) async throws -> UserPreferences {
        var query: PGQuery = "UPDATE users SET preferences = "
        query.append(expression())
        query.append(" WHERE id = \(userId) RETURNING preferences")
        let stored = try await context.actingFor(userId) { scoped in
            try await ConstraintErrors.translating(values) { try await scoped.executor.query(query).first?.decode(PGJSONValue.self, at: 0) }
        }
        guard let stored else { throw RepositoryError.notFound(table: User.tableName, id: userId.uuidString) }
        return try UserPreferences(json: stored)
    }

    /// Records that the user was active now (`last_active_at`, and `is_active` back on).
    @discardableResult
    public func recordActivity(userId: UUID) async throws -> User {
        try await context.actingFor(userId) { scoped in
            guard let row = try await scoped.executor.query(
                "UPDATE users SET last_active_at = now(), is_active = true WHERE id = \(userId) RETURNING \(unescaped: User.selectList)").first else {
                throw RepositoryError.notFound(table: User.tableName, id: userId.uuidString)
            }
            return try User(row: row)
        }
    }

    static func validate(name: String?, image: String?, preferences: UserPreferences) throws(RepositoryError) {
        if let name { try ChatRules.checkName(name) }
        if let image { try ChatRules.checkLength(image, "users.image", ChatRules.imageLength) }
        try preferences.validate()
    }

    static func values(_ insert: UserInsert) -> [String: String] {
        var values = ["email": insert.email]
        if let name = insert.name { values["name"] = name }
        if let image = insert.image { values["image"] = image }
        return values
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
        try Self.validate(name: name, image: nil, preferences: UserPreferences())
        return try await context.executor.transaction(PGTransactionOptions()) { connection in
            let user = try await ConstraintErrors.translating(name.map { ["email": email, "name": $0] } ?? ["email": email]) {
                try await RecordStore<User>(executor: connection).insert(UserInsert(email: email, name: name))
            }
            if context.setsCurrentUser { try await CurrentUser.set(user.id, on: connection) }
            let session = try await RecordStore<Session>(executor: connection).insert(
                SessionInsert(userId: user.id, expiresAt: Date(timeIntervalSinceNow: sessionLifetime)))
            return (user, session)
        }
    }
}
