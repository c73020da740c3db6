import Foundation
import PGKitTestSupport
import Repositories
import Testing

/// `dbctl init` copies the chat schema's migrations from `ChatMigrations`: they must be the
/// files of `migrations/` byte for byte, or an app's history would not match PGKit's.
@Suite struct ChatMigrationsTests {
    @Test func theEmbeddedMigrationsAreTheFilesByteForByte() throws {
        let directory = ProjectPaths.migrations
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(ChatMigrations.files.map(\.name) == names, "run scripts/embed-migrations")
        for file in ChatMigrations.files {
            let onDisk = try Data(contentsOf: directory.appendingPathComponent(file.name))
            #expect(Data(file.contents.utf8) == onDisk, "\(file.name) differs from migrations/: run scripts/embed-migrations")
        }
    }
}
