import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `dbctl generate` and `dbctl migrate` with checked queries, through the real binary: a
/// migration that drops a queried column is refused before it is applied, and `--check` fails
/// on it, naming the query's file:line and the server's message.
@Suite(.serialized) struct CheckedQueryCommandTests {
    @Test func aMigrationThatDropsAQueriedColumnFailsMigrateAndGenerateCheckWithFileAndLine() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dbctl-queries-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["migrations", "queries"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws {
            try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        try write("pgkit.json", #"{"migrations": "migrations", "models": {"directory": "Generated", "module": "Repositories"}}"#)
        try write("migrations/0001_notes.up.sql", "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL, author text);")
        try write("queries/notes.sql", """
            -- name: noteBodies :many
            SELECT id, body FROM notes ORDER BY id;

            -- name: notesByAuthor :many
            SELECT id,
                   author
            FROM notes WHERE author = @author;
            """)
        let config = try await TestDatabase.create("dbctl_checked_queries")
        func dbctl(_ arguments: String...) async throws -> CommandRun {
            try await CommandRun.dbctl(arguments + ["--database-url", config.url], in: root)
        }

        let migrated = try await dbctl("migrate")
        #expect(migrated.status == 0, "\(migrated.errorOutput)")
        let generated = try await dbctl("generate")
        #expect(generated.status == 0, "\(generated.errorOutput)")
        let source = try String(contentsOf: root.appendingPathComponent("Generated/NotesQueries.swift"), encoding: .utf8)
        // Module "Repositories" is PGKit's own layout, where generated queries are internal.
        #expect(source.contains("internal func notesByAuthor(author: String) async throws -> [NotesByAuthorRow]"))
        #expect(source.contains("internal var body: String\n"))
        #expect(source.contains("internal var author: String?\n"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Generated/Note.swift").path))
        #expect(try await dbctl("generate", "--check").status == 0)

        // The migration is refused on the shadow database, before it reaches this one.
        try write("migrations/0002_drop_author.up.sql", "ALTER TABLE notes DROP COLUMN author;")
        let refused = try await dbctl("migrate")
        #expect(refused.status == 1)
        #expect(refused.errorOutput.contains(#"queries/notes.sql:6: notesByAuthor: column "author" does not exist"#), "\(refused.errorOutput)")
        let applied = try await PGConnection.withConnection(config) { try await $0.query("SELECT count(*) FROM dbctl_migrations").scalar(Int.self) }
        #expect(applied == 1)

        // Applied anyway (here by hand): --check fails the same way.
        try await PGConnection.withConnection(config) { try await $0.executeScript("ALTER TABLE notes DROP COLUMN author") }
        let check = try await dbctl("generate", "--check")
        #expect(check.status == 1)
        #expect(check.errorOutput.contains(#"queries/notes.sql:6: notesByAuthor: column "author" does not exist"#), "\(check.errorOutput)")

        // A query changed without regenerating: the generated file is out of date.
        try write("queries/notes.sql", "-- name: noteBodies :many\nSELECT id, body FROM notes ORDER BY id DESC;\n")
        let stale = try await dbctl("generate", "--check")
        #expect(stale.status == 1)
        #expect(stale.errorOutput.contains("NotesQueries.swift"), "\(stale.errorOutput)")
    }
}
