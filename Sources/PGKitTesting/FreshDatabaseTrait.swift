import Repositories
import Testing

/// Swift Testing's way to give a test (or every test of a suite) its own fresh database:
///
/// ```swift
/// @Test(.freshDatabase) func createsATag() async throws {
///     let db = try PGTestDatabase.current
///     _ = try await db.users.create(email: "ada@example.com")
/// }
///
/// @Suite(.freshDatabase) struct TagTests { ... }   // each test of the suite gets its own
/// ```
public struct FreshDatabaseTrait: TestTrait, SuiteTrait, TestScoping {
    /// The migrations directory; nil for the project's.
    public let migrations: String?

    /// Applied to a suite, every test in it gets its own database.
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> FreshDatabaseTrait? {
        // A suite's own scope passes through; each test (case) gets a database.
        test.isSuite ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await PGTestDatabase.withDatabase(migrations: migrations) { db in
            try await PGTestDatabase.$currentDatabase.withValue(db) { try await function() }
        }
    }
}

extension Trait where Self == FreshDatabaseTrait {
    /// A fresh copy of the migrated template database for the test (see `PGTestDatabase`).
    public static var freshDatabase: Self { FreshDatabaseTrait(migrations: nil) }

    /// The same, migrated with the migrations in `directory`.
    public static func freshDatabase(migrations directory: String) -> Self { FreshDatabaseTrait(migrations: directory) }
}

extension PGTestDatabase {
    @TaskLocal static var currentDatabase: Database?

    /// The database of the test running now, under `.freshDatabase`.
    public static var current: Database {
        get throws {
            guard let currentDatabase else {
                throw PGError(.invalidConfiguration, "PGTestDatabase.current is only set inside a test marked .freshDatabase")
            }
            return currentDatabase
        }
    }
}
