import Foundation
import LocalPostgres
import Logging
import PGKit

/// The chat data layer (the seeds' `DatabaseService`): a connection pool and the repositories.
///
/// ```swift
/// let db = try await Database.connect()            // the URL, DATABASE_URL or .env; throws when none is set
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
    /// Live subscriptions scoped to one user (`db.live.messages(inSession:userId:)`), over one
    /// shared change feed; see `LiveData`.
    public let live: LiveData

    public var users: UserRepository { repositories.users }
    public var sessions: SessionRepository { repositories.sessions }
    public var messages: MessageRepository { repositories.messages }
    public var characterFiles: CharacterFileRepository { repositories.characterFiles }
    public var memories: MemoryRepository { repositories.memories }
    public var specializations: SpecializationRepository { repositories.specializations }

    /// Wraps a pool. With `rowLevelSecurity`, every call that takes a user id runs in a
    /// transaction that sets `pgkit.user_id`, which the policies on user-owned tables read;
    /// turn it on when connecting as the application role (see the README). `liveData` says
    /// where the change feed behind `live` and `observe` connects.
    public init(pool: PGPool, rowLevelSecurity: Bool = false, liveData: LiveData.Options = LiveData.Options()) {
        self.pool = pool
        replicatedPool = nil
        self.rowLevelSecurity = rowLevelSecurity
        let context = RepositoryContext(executor: pool, setsCurrentUser: rowLevelSecurity)
        repositories = ChatRepositories(context)
        live = LiveData(pool: pool, context: context, options: liveData)
    }

    /// A primary with read replicas: everything goes to the primary except what runs inside
    /// `readOnly`, which goes to a healthy replica (or the primary when none is).
    public init(replicated: PGReplicatedPool, rowLevelSecurity: Bool = false, liveData: LiveData.Options = LiveData.Options()) {
        pool = replicated.primary
        replicatedPool = replicated
        self.rowLevelSecurity = rowLevelSecurity
        let context = RepositoryContext(executor: replicated.primary, setsCurrentUser: rowLevelSecurity)
        repositories = ChatRepositories(context)
        live = LiveData(pool: replicated.primary, context: context, options: liveData)
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

    /// Connects to the configured database: `url`, then `DATABASE_URL` in `environment`, then
    /// `DATABASE_URL` in `.env` in `directory`. Never starts a database of its own: with none of
    /// the three set it throws `PGError` of kind `.invalidConfiguration` saying how to set one,
    /// and a `.env` that cannot be read or parsed throws too (naming the file and line). For a
    /// development machine, ``connectOrStartLocal(_:pool:rowLevelSecurity:logger:)`` falls back
    /// to the local cluster instead.
    public static func connect(_ url: String? = nil, pool configuration: PGPoolConfiguration? = nil,
                               rowLevelSecurity: Bool = false,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               directory: String = FileManager.default.currentDirectoryPath) async throws -> Database {
        let root = try PGKitProject.find(from: directory).root.path
        guard let resolved = try PGConfig.resolve(explicit: url, environment: environment, directory: root) else {
            throw PGError(.invalidConfiguration, """
                no database configured: pass a URL to Database.connect(_:), set DATABASE_URL, or put DATABASE_URL=... in .env \
                (on a development machine, Database.connectOrStartLocal() uses the local cluster instead)
                """)
        }
        return try await open(resolved.config, configuration, rowLevelSecurity)
    }

    /// For development only: connects like ``connect(_:pool:rowLevelSecurity:environment:directory:)``,
    /// but when no database is configured it uses the local PostgreSQL cluster under
    /// `.dbctl/postgres` in `directory` (the one `dbctl` runs, which is kept outside the project
    /// when run as root and the `postgres` user cannot enter it), creating and starting it when
    /// needed, and logs at info level which cluster it uses. Never call it in a server that
    /// must write to one particular database.
    /// ```swift
    /// let db = try await Database.connectOrStartLocal()   // a laptop without DATABASE_URL
    /// ```
    public static func connectOrStartLocal(_ url: String? = nil, pool configuration: PGPoolConfiguration? = nil,
                                           rowLevelSecurity: Bool = false,
                                           environment: [String: String] = ProcessInfo.processInfo.environment,
                                           directory: String = FileManager.default.currentDirectoryPath,
                                           logger: Logger = Logger(label: "pgkit.repositories")) async throws -> Database {
        var started = false
        let (config, source) = try await PGConfig.resolveOrStartLocal(
            explicit: url, environment: environment, directory: directory, announce: { _ in started = true })
        if source == .localCluster {
            let cluster = LocalCluster(projectDirectory: try PGKitProject.find(from: directory).root.path)
            logger.info("\(started ? "started" : "using") the local PostgreSQL cluster (no database configured)", metadata: [
                "cluster": "\(cluster.directory.path)", "database": "\(config.database ?? "")", "port": "\(config.port ?? 0)",
            ])
        }
        return try await open(config, configuration, rowLevelSecurity)
    }

    private static func open(_ config: PGConfig, _ configuration: PGPoolConfiguration?, _ rowLevelSecurity: Bool) async throws -> Database {
        let pool = PGPool(config: config, configuration: configuration)
        do {
            try await pool.query("SELECT 1")
        } catch {
            await pool.shutdown()
            throw error
        }
        return Database(pool: pool, rowLevelSecurity: rowLevelSecurity)
    }

    /// Runs `body` in one transaction with the same repositories; commits when it returns,
    /// rolls back when it throws. With `retry: .attempts(n)` it reruns `body` after a
    /// serialization failure or deadlock and, on a new connection, after the connection was
    /// lost before `COMMIT` (a failover); a connection lost after `COMMIT` was sent throws
    /// `PGError` of kind `.outcomeUnknown` (see the README's "Automatic failover").
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

    /// Closes the change feed (ending every live subscription and query), then every
    /// connection once in-flight work finishes.
    public func shutdown() async {
        await live.close()
        if let replicatedPool { await replicatedPool.shutdown() } else { await pool.shutdown() }
    }
}
