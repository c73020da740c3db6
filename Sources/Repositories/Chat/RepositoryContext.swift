import Foundation
import PGKit

/// Where a repository runs its statements, and whether it must tell row-level security which
/// user a statement acts for.
struct RepositoryContext: Sendable {
    let executor: any PGQueryable
    /// Set `pgkit.user_id` (transaction-local) before user-scoped statements.
    let setsCurrentUser: Bool

    func store<Record: TableRecord>(_ type: Record.Type) -> RecordStore<Record> {
        RecordStore(executor: executor)
    }

    /// Runs `body` acting for `userID`: inside a transaction that sets `pgkit.user_id` when
    /// row-level security is on, directly otherwise.
    func actingFor<T>(_ userID: UUID, _ body: (RepositoryContext) async throws -> T) async throws -> T {
        guard setsCurrentUser else { return try await body(self) }
        return try await executor.transaction(PGTransactionOptions(settings: CurrentUser.settings(userID))) { connection in
            try await body(RepositoryContext(executor: connection, setsCurrentUser: false))
        }
    }
}

/// The per-transaction setting row-level security policies read (`pgkit_current_user_id()`).
public enum CurrentUser {
    public static let settingName = "pgkit.user_id"

    /// Sets the user for the rest of the current transaction.
    public static func set(_ userID: UUID, on connection: PGConnection) async throws {
        try await connection.query("SELECT set_config(\(settingName), \(userID.uuidString.lowercased()), true)")
    }

    /// The transaction setting for `userID`, for `PGTransactionOptions(settings:)`, which sends
    /// it with `BEGIN` in one round trip.
    public static func settings(_ userID: UUID) -> [String: String] {
        [settingName: userID.uuidString.lowercased()]
    }
}
