import Foundation
import LocalPostgres
import Testing

@Suite struct PGKitProjectTests {
    /// A process whose working directory was deleted gets "" for it; walking up from there used
    /// to go on forever (".", "..", "../.."), hanging every dbctl command started in such a directory.
    @Test func aWorkingDirectoryThatNoLongerExistsIsAnErrorNotAHang() {
        #expect(throws: PGKitProjectError.workingDirectoryMissing) { try PGKitProject.find(from: "") }
        #expect("\(PGKitProjectError.workingDirectoryMissing)".contains("no longer exists"))
    }

    @Test func aDirectoryWithoutAProjectIsItsOwnRoot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-project-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try PGKitProject.find(from: folder.path)
        #expect(project.root.path == folder.standardizedFileURL.path)
        #expect(!project.hasConfigurationFile)
    }
}
