import Foundation
import LocalPostgres
import Repositories

/// What `dbctl init` writes into an app package, decided before anything is written: each
/// file with its contents and whether it is new, already as it should be, or different (which
/// stops the whole init: nothing is overwritten).
struct ProjectScaffold {
    enum Status: Equatable {
        case create
        case unchanged
        /// `.gitignore`: lines to add to an existing file.
        case append
        case conflict
    }

    struct File {
        let path: String
        let contents: String
        var status: Status
    }

    let root: URL
    let module: String
    let modelsDirectory: String
    private(set) var files: [File] = []

    /// Plans the files for `root`.
    init(root: URL, module: String, modelsDirectory: String) {
        self.root = root
        self.module = module
        self.modelsDirectory = modelsDirectory
        let configuration = PGKitProject.Configuration(
            migrations: "migrations", models: .init(directory: modelsDirectory, module: module), schema: "public")
        plan(PGKitProject.fileName, PGKitProject.encode(configuration))
        for migration in ChatMigrations.files { plan("migrations/" + migration.name, migration.contents) }
        plan(".env.example", """
            # Copy to .env (git-ignored) and point it at your database. dbctl and the app read
            # DATABASE_URL from the environment first, then from this file. Without one, the
            # development commands (dbctl setup, migrate, studio...) run a local PostgreSQL cluster.
            DATABASE_URL=postgresql://app:secret@localhost:5432/app

            """)
        planGitignore([".dbctl/", ".env"])
    }

    var conflicts: [File] { files.filter { $0.status == .conflict } }

    private mutating func plan(_ path: String, _ contents: String) {
        let url = root.appendingPathComponent(path)
        let status: Status
        if let existing = try? Data(contentsOf: url) {
            status = existing == Data(contents.utf8) ? .unchanged : .conflict
        } else {
            status = .create
        }
        files.append(File(path: path, contents: contents, status: status))
    }

    private mutating func planGitignore(_ lines: [String]) {
        let url = root.appendingPathComponent(".gitignore")
        let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let present = Set(existing.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = lines.filter { !present.contains($0) && !present.contains("/" + $0) }
        if missing.isEmpty {
            files.append(File(path: ".gitignore", contents: existing, status: .unchanged))
        } else {
            let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
            let addition = separator + "# PGKit: the local cluster and secrets stay out of git\n" + missing.joined(separator: "\n") + "\n"
            files.append(File(path: ".gitignore", contents: existing + addition, status: existing.isEmpty ? .create : .append))
        }
    }

    /// Writes the new and appended files (call only when there are no conflicts).
    func write() throws {
        for file in files where file.status == .create || file.status == .append {
            let url = root.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url, options: .atomic)
        }
    }

    /// The app's module when `--module` is not given: the only directory under Sources/, or an
    /// error naming the candidates.
    static func guessModule(in root: URL) throws -> String {
        let sources = root.appendingPathComponent("Sources")
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: sources.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        guard entries.count == 1 else {
            throw DBCtlFailure(message: entries.isEmpty
                ? "no module under Sources/; pass --module NAME (the target the generated models belong to)"
                : "several modules under Sources/ (\(entries.joined(separator: ", "))); pass --module NAME for the generated models")
        }
        return entries[0]
    }
}
