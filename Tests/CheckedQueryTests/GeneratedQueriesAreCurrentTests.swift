import Foundation
import ModelGenerator
import PGKit
import Testing

/// The committed `Generated/` files are exactly what the queries give against the migrated
/// chat schema (`PGKIT_WRITE_CHECKED_QUERIES=1` rewrites them), and generating is idempotent.
@Suite struct GeneratedQueriesAreCurrentTests {
    static let database = MigratedDatabase("checked_queries_current")

    @Test func theCommittedGeneratedFilesMatchTheQueries() async throws {
        let files = try await Self.database.withConnection { try await CheckedQueryProject.files(on: $0) }
        #expect(files.map(\.name) == ["ChatQueries.swift", "TypesQueries.swift"])
        if ProcessInfo.processInfo.environment["PGKIT_WRITE_CHECKED_QUERIES"] == "1" {
            try ModelGenerator.write(files, to: CheckedQueryProject.generated)
        }
        #expect(try ModelGenerator.differences(files, in: CheckedQueryProject.generated) == [],
                "run PGKIT_WRITE_CHECKED_QUERIES=1 swift test --filter GeneratedQueriesAreCurrentTests")
        let again = try await Self.database.withConnection { try await CheckedQueryProject.files(on: $0) }
        #expect(again == files)
    }
}
