import Foundation
import LocalPostgres
import PGKit

/// The chat data layer (the seeds' `DatabaseService`): a connection pool and the repositories.
///
/// ```swift
/// let db = try await Database.connect()            // DATABASE_URL, .env, or the local cluster
/// let session = try await db.sessions.createSession()
/// let message = try await db.messages.createMessage(content: "Hello, world!", role: .user, sessionId: session.id)
/// try await db.transaction { tx in
///     let user = try await tx.users.create(email: "ada@example.com", name: "Ada")
///     _ = try await tx.sessions.createSession(userId: user.id)
/// }
/// await db.shutdown()
/// ```
public final class Database: Sendable {
    public let pool: PGPool
    /// Read replicas, when configured (see `readOnly`).
    public let replicatedPool: PGReplicatedPool?
    /// Whether user-scoped calls set `pgkit.user_id` for row-level security.
    public let rowLevelSecurity: Bool
    private let repositories: ChatRepositories

    public var users: UserRepository { repositories.users }
    public var sessions: SessionRepository { repositories.sessions }
    public var messages: MessageRepository { repositories.messages }
    public var characterFiles: CharacterFileRepository { repositories.characterFiles }
    public var memories: MemoryRepository { repositories.memories }
    public var specializations: SpecializationRepository { repositories.specializations }

    /// Wraps a pool. With `rowLevelSecurity`, every call that takes a user id runs in a
    /// transaction that sets `pgkit.user_id`, which the policies on user-owned tables read;
    /// turn it on when connecting as the application role (see the README).
    public init(pool: PGPool, rowLevelSecurity: Bool = false) {
        self.pool = pool
        replicatedPool = nil
        self.rowLevelSecurity = rowLevelSecurity
        repositories = ChatRepositories(RepositoryContext(executor: pool, setsCurrentUser: rowLevelSecurity))
    }

    /// A primary with read replicas: everything goes to the primary except what runs inside
    /// `readOnly`, which goes to a healthy replica (or the primary when none is).
    public init(replicated: PGReplicatedPool, rowLevelSecurity: Bool = false) {
        pool = replicated.primary
        replicatedPool = replicated
        self.rowLevelSecurity = rowLevelSecurity
        repositories = ChatRepositories(RepositoryContext(executor: replicated.primary, setsCurrentUser: rowLevelSecurity))
    }

    /// Runs reads on a replica, when there are replicas (round-robin among healthy ones, the
    /// primary otherwise). Replicas lag a little: read your own writes outside `readOnly`.
    /// ```swift
    /// let page = try await db.readOnly { try await $0.messages.messages(inSession: id) }
    /// ```
    @discardableResult
    public func readOnly<T>(_ body: (ChatRepositories) async throws -> T) async throws -> T {
        guard let replicatedPool else { return try await body(repositories) }
        return try await replicatedPool.read { connection in
            try await body(ChatRepositories(RepositoryContext(executor: connection, setsCurrentUser: rowLevelSecurity)))
        }
    }

    /// Connects the way dbctl does: `url`, then `DATABASE_URL`, then `.env`, then the local
    /// development cluster (started on demand).
    public static func connect(_ url: String? = nil, pool configuration: PGPoolConfiguration = PGPoolConfiguration(),
                               rowLevelSecurity: Bool = false) async throws -> Database {
        let (config, _) = try await PGConfig.resolveOrStartLocal(explicit: url)
        let pool = PGPool(config: config, configuration: configuration)
        try await pool.query("SELECT 1")
        return Database(pool: pool, rowLevelSecurity: rowLevelSecurity)
    }

    /// Runs `body` in one transaction with the same repositories; commits when it returns,
    /// rolls back when it throws.
    @discardableResult
    public func transaction<T>(_ options: PGTransactionOptions = PGTransactionOptions(),
                               _ body: (ChatRepositories) async throws -> T) async throws -> T {
        var options = options
        if rowLevelSecurity, options.settings[CurrentUser.settingName] == nil {
            // Acting for nobody, explicitly: only rows without an owner are visible.
            options.settings[CurrentUser.settingName] = ""
        }
        return try await pool.transaction(options) { connection in
            try await body(ChatRepositories(RepositoryContext(executor: connection, setsCurrentUser: false)))
        }
    }

    /// Runs `body` in one transaction acting for `userId`: with row-level security on, every
    /// statement inside sees only that user's rows, even one that forgets its filter.
    @discardableResult
    public func asUser<T>(_ userId: UUID, _ body: (ChatRepositories) async throws -> T) async throws -> T {
        try await pool.transaction(PGTransactionOptions(settings: CurrentUser.settings(userId))) { connection in
            try await body(ChatRepositories(RepositoryContext(executor: connection, setsCurrentUser: false)))
        }
    }

    /// Closes every connection once in-flight work finishes.
    public func shutdown() async {
        if let replicatedPool { await replicatedPool.shutdown() } else { await pool.shutdown() }
    }
}
