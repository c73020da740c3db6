import ArgumentParser
import Foundation
import LocalPostgres

/// `dbctl init`: makes an app package a PGKit project (Prisma's `prisma init`).
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up PGKit in an app package: pgkit.json, the chat schema's migrations, .env.example, .gitignore.",
        discussion: """
            Run it where the app's Package.swift is. Writes pgkit.json (the migrations directory, \
            where generated models go and their module, the schema), the chat schema's migrations \
            into migrations/ (the same versions and checksums as PGKit's own, so a database set up \
            either way has one history), .env.example, and .dbctl/ and .env in .gitignore. Safe to \
            run again: files already as they should be are left alone, and a file that differs \
            stops it before anything is written.
            """)

    @Option(help: "The Swift module (target) the generated models of the app's tables belong to. Default: the only one under Sources/.")
    var module: String?

    @Option(help: ArgumentHelp("Where the generated models go. Default: Sources/MODULE/Generated.", valueName: "path"))
    var models: String?

    func run() async throws {
        let terminal = Terminal.standardError
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) else {
            throw DBCtlFailure(message: "no Package.swift here: run dbctl init in your app package's directory")
        }
        let module = try self.module ?? ProjectScaffold.guessModule(in: root)
        let scaffold = ProjectScaffold(root: root, module: module, modelsDirectory: models ?? "Sources/\(module)/Generated")
        let conflicts = scaffold.conflicts
        guard conflicts.isEmpty else {
            throw DBCtlFailure(message: "not changing anything: these files exist and differ from what dbctl init writes:\n"
                + conflicts.map { "  " + $0.path }.joined(separator: "\n"))
        }
        try scaffold.write()
        for file in scaffold.files {
            switch file.status {
            case .create: terminal.success("created \(file.path)")
            case .append: terminal.success("added .dbctl/ and .env to \(file.path)")
            case .unchanged: terminal.note("unchanged \(file.path)")
            case .conflict: break
            }
        }
        terminal.line("""

            Next: `swift run dbctl setup` (creates and migrates the database: DATABASE_URL, .env, or a local cluster),
            add a migration with `swift run dbctl migrate --name add_tags --create-only`, then
            `swift run dbctl migrate && swift run dbctl generate` to get models of your tables in \(scaffold.modelsDirectory)
            (and typed functions for the SQL you write in queries/*.sql, checked against the schema).
            """)
    }
}
