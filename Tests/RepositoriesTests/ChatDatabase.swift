import Foundation
import Migrator
import PGKit
import PGKitTestSupport
import Repositories

/// A fresh database per suite, migrated with the project's migrations, and a `Database` on it.
final class ChatDatabase: Sendable {
    private let config: Task<PGConfig, any Error>

    init(_ suite: String) {
        config = Task {
            let config = try await TestDatabase.create("repo_\(suite)")
            try await Migrator(config: config, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
            return config
        }
    }

    func configuration() async throws -> PGConfig { try await config.value }

    func open(rowLevelSecurity: Bool = false) async throws -> Database {
        Database(pool: PGPool(config: try await config.value, configuration: .init(maxConnections: 4)), rowLevelSecurity: rowLevelSecurity)
    }

    func with<T>(_ body: (Database) async throws -> T) async throws -> T {
        let db = try await open()
        do {
            let value = try await body(db)
            await db.shutdown()
            return value
        } catch {
            await db.shutdown()
            throw error
        }
    }
}

func uniqueEmail(_ prefix: String = "user") -> String { "\(prefix)-\(UUID().uuidString.prefix(8))@example.com" }

func unitVector(_ values: [Float]) -> [Float] {
    let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return values.map { $0 / norm }
}
