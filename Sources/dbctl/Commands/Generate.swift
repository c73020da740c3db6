import ArgumentParser
import Foundation
import LocalPostgres
import ModelGenerator
import PGKit
import Repositories

/// `dbctl generate`: Swift models from the migrated database's schema.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate Swift models from the database schema into Sources/Repositories/Generated.",
        discussion: """
            Introspects the migrated database (pg_catalog) and writes one file per table, plus \\
            fixed-dimension vector types. The output depends only on the schema: running it twice \\
            changes nothing. With --check, writes nothing and exits 1 when the files differ.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Where the generated files go. Default: pgkit.json's models directory, or Sources/Repositories/Generated.", valueName: "path"))
    var output: String?

    @Option(help: "The schema to read. Default: pgkit.json's, the URL's schema=, or public.")
    var schema: String?

    @Flag(help: "Write nothing; exit 1 when the files on disk differ from what the schema produces.")
    var check = false

    func run() async throws {
        let terminal = Terminal.standardError
        let project = try database.project()
        let config = try await database.resolve(terminal, fallback: .localCluster)  // reads the schema only: safe on the local cluster
        let schema = self.schema ?? config.schema ?? project.configuration.schema
        let connection = try await PGConnection.connect(config)
        let tables = try await SchemaIntrospector.tables(on: connection, schema: schema)
        await connection.close()
        let models = ProjectModels(project: project, output: output)
        let (files, warnings) = try models.files(for: tables)
        for warning in warnings { terminal.warning(warning) }
        let directory = models.directory
        let outputPath = directory.path
        if check {
            let differences = try ModelGenerator.differences(files, in: directory)
            guard differences.isEmpty else {
                throw DBCtlFailure(message: "generated models are out of date (\(differences.joined(separator: ", "))); run `dbctl generate`")
            }
            terminal.success("generated models match the schema (\(files.count) files)")
        } else {
            try ModelGenerator.write(files, to: directory)
            terminal.success("wrote \(files.count) files to \(outputPath)")
        }
    }
}
