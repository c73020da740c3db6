import ArgumentParser
import Studio

/// `dbctl studio`: browse and fix data in the terminal.
struct StudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Browse, filter, follow relations, edit and export the database's data in the terminal.",
        discussion: """
            Press ? inside for every key. Edits show their SQL and run in a transaction after you confirm. \
            The open table refreshes by itself when changes to it are committed (a change stream on a temporary \
            slot: needs wal_level=logical and a role with REPLICATION; reads the publication dbctl_watch if it \
            exists, else dbctl_studio, created for the tables the role owns that have a primary key or replica \
            identity, else a publication that exists); the status line says why when it cannot.
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Browse only: editing, inserting and deleting are off, and SQL runs read-only.")
    var readOnly = false

    @Option(name: .customLong("publication"), help: ArgumentHelp("The publication live refresh reads. Default: dbctl_watch if it exists, else dbctl_studio.", valueName: "name"))
    var publication: String?

    func run() async throws {
        let config = try await database.resolve(.standardError, fallback: .localCluster)
        try await StudioApp(config: config, readOnly: readOnly, publication: publication).run()
    }
}
