import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// dbctl started in a directory that no longer exists (as a tmux session started from a
/// removed temporary directory is) says so and ends, instead of walking up "." forever, which
/// it did (the studio tests hung on it).
@Suite struct RemovedWorkingDirectoryTests {
    @Test func dbctlRunsInARemovedWorkingDirectory() async throws {
        let url = try await TestDatabase.create("dbctl_removed_cwd").url
        let gone = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-gone-\(UUID().uuidString)").path
        let migrations = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-gone-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: migrations) }
        try "CREATE TABLE t (id int);".write(to: migrations.appendingPathComponent("0001_t.up.sql"), atomically: true, encoding: .utf8)
        let script = "mkdir -p '\(gone)' && cd '\(gone)' && rmdir '\(gone)' && exec timeout 30 '\(CommandRun.dbctlPath)' status --database-url '\(url)' --migrations '\(migrations.path)'"
        let run = try await CommandRun.run("/bin/sh", ["-c", script])
        #expect(run.status != 124, "dbctl hung: \(run.errorOutput)")
        #expect(run.status == 1 && run.errorOutput.contains("the working directory no longer exists"), "\(run.output) \(run.errorOutput)")
    }
}
