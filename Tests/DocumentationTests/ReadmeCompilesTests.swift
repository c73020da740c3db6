import Foundation
import PGKitTestSupport
import Testing

/// Every Swift block of README.md compiles as printed: this target compiles the files made
/// from them (Generated/), and this test checks those files are README's current blocks.
@Suite struct ReadmeCompilesTests {
    static let generated = ProjectPaths.root.appendingPathComponent("Tests/DocumentationTests/Generated")

    @Test func theCompiledExamplesAreTheReadmesBlocks() throws {
        let readme = try String(contentsOf: ProjectPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let expected = ReadmeExampleFiles.files(for: readme)
        if ProcessInfo.processInfo.environment["PGKIT_WRITE_README_EXAMPLES"] == "1" {
            for stale in try FileManager.default.contentsOfDirectory(atPath: Self.generated.path) where stale.hasSuffix(".swift") {
                try FileManager.default.removeItem(at: Self.generated.appendingPathComponent(stale))
            }
            for file in expected { try file.contents.write(to: Self.generated.appendingPathComponent(file.name), atomically: true, encoding: .utf8) }
        }
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Self.generated.path).filter { $0.hasSuffix(".swift") }.sorted()
        #expect(onDisk == expected.map(\.name), "run scripts/readme-examples")
        for file in expected {
            let contents = try? String(contentsOf: Self.generated.appendingPathComponent(file.name), encoding: .utf8)
            #expect(contents == file.contents, "\(file.name) is out of date: run scripts/readme-examples")
        }
        #expect(expected.count >= 20, "README has its examples")
    }
}
