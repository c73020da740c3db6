import ArgumentParser
import Studio

/// `dbctl studio`: browse and fix data in the terminal.
struct StudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Browse, filter, follow relations, edit and export the database's data in the terminal.",
        discussion: "Press ? inside for every key. Edits show their SQL and run in a transaction after you confirm.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Browse only: editing, inserting and deleting are off, and SQL runs read-only.")
    var readOnly = false

    func run() async throws {
        let config = try await database.resolve(.standardError, fallback: .localCluster)
        try await StudioApp(config: config, readOnly: readOnly).run()
    }
}
