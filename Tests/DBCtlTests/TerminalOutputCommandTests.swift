import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Text from the database, from server messages and from file names reaches dbctl's output
/// with every control character shown, never as a byte a terminal would act on.
@Suite(.serialized) struct TerminalOutputCommandTests {
    static let esc = "\u{1B}", bel = "\u{07}"

    /// Whether `text` holds a C0 control other than line feed, DEL or a C1 control.
    func holdsControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    }

    func project(_ name: String) async throws -> (migrations: URL, config: PGConfig) {
        let migrations = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        return (migrations, try await TestDatabase.create("dbctl_output_\(name)"))
    }

    @Test func serverMessagesAndFileNamesInDeployOutputAreShownNotObeyed() async throws {
        let (migrations, config) = try await project("deploy")
        try "SELECT 1;".write(to: migrations.appendingPathComponent("0001_title\(Self.esc)]0;pwned\(Self.bel).up.sql"), atomically: true, encoding: .utf8)
        try #"DO $$BEGIN RAISE EXCEPTION E'BOOM\x1b[2J\x1b]52;c;SGVsbG8=\x07' USING DETAIL = E'two\nlines\u009b31m'; END$$;"#
            .write(to: migrations.appendingPathComponent("0002_fails.up.sql"), atomically: true, encoding: .utf8)
        let result = try await CommandRun.dbctl(["deploy", "--database-url", config.url, "--migrations", migrations.path])
        #expect(result.status == 1)
        #expect(result.errorOutput.contains("0001_title␛]0;pwned␇.up.sql"), "\(result.errorOutput)")
        #expect(result.errorOutput.contains("0002_fails.up.sql:1: [P0001] BOOM␛[2J␛]52;c;SGVsbG8=␇"))
        #expect(result.errorOutput.contains("DETAIL: two\nlines<9B>31m"), "the server's line break stays a line break")
        #expect(!holdsControls(result.output + result.errorOutput))
    }

    @Test func statusShowsHostileMigrationNamesFromTheHistory() async throws {
        let (migrations, config) = try await project("status")
        try "SELECT 1;".write(to: migrations.appendingPathComponent("0001_a.up.sql"), atomically: true, encoding: .utf8)
        #expect(try await CommandRun.dbctl(["deploy", "--database-url", config.url, "--migrations", migrations.path]).status == 0)
        let name = "gone\(Self.esc)[2J\(Self.esc)[?1049l\u{9B}31m\nfake ✓ line"
        _ = try await PGConnection.withConnection(config) {
            try await $0.execute("INSERT INTO dbctl_migrations (version, name, checksum, execution_ms, applied_from) VALUES (2, \(name), 'x', 1, 'test')")
        }
        let status = try await CommandRun.dbctl(["status", "--database-url", config.url, "--migrations", migrations.path])
        #expect(status.status == 1)
        #expect(status.output.contains("missing      0002_gone␛[2J␛[?1049l<9B>31m⏎fake ✓ line"), "\(status.output)")
        #expect(!holdsControls(status.output + status.errorOutput))
        let json = try await CommandRun.dbctl(["status", "--json", "--database-url", config.url, "--migrations", migrations.path])
        #expect(!holdsControls(json.output.replacingOccurrences(of: "\n", with: "")), "JSON escapes them")
        let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let names = (report?["migrations"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names?.contains(name) == true, "the JSON holds the exact name")
    }

    @Test func generateWarningsShowHostileTableAndColumnNames() async throws {
        let (migrations, config) = try await project("generate")
        try await PGConnection.withConnection(config) {
            try await $0.executeScript("CREATE TABLE \(PGQuery.quoteIdentifier("t\(Self.esc)]0;pwned\(Self.bel)")) (id int PRIMARY KEY, \(PGQuery.quoteIdentifier("c\(Self.esc)[31m")) point)")
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("generated-\(UUID().uuidString)")
        let result = try await CommandRun.dbctl(["generate", "--database-url", config.url, "--migrations", migrations.path, "--output", output.path])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("t␛]0;pwned␇.c␛[31m"), "\(result.errorOutput)")
        #expect(!holdsControls(result.output + result.errorOutput))
        try? FileManager.default.removeItem(at: output)
    }
}
