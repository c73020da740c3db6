import ArgumentParser
import Foundation
import LocalPostgres
import ModelGenerator
import PGKit
import Repositories

/// `dbctl generate`: Swift models from the migrated database's schema.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate Swift models from the database schema, and typed functions from the checked queries.",
        discussion: """
            Introspects the migrated database (pg_catalog) and writes one file per table, plus \
            fixed-dimension vector types. Then every statement in the queries directory's .sql \
            files (pgkit.json's "queries", default queries/; each under a `-- name: NAME :one`, \
            `:many` or `:exec` line) is prepared on the server, never run, and becomes a row struct \
            and a typed function on PGQueryable, in NAMEQueries.swift beside the models. A query \
            that no longer prepares (a dropped column, a changed type) fails with its file:line. \
            The output depends only on the schema and the SQL: running it twice changes nothing. \
            With --check, writes nothing and exits 1 when a query fails or the files differ.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Where the generated files go. Default: pgkit.json's models directory, or Sources/Repositories/Generated.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("The directory of checked queries (.sql files). Default: pgkit.json's \"queries\", or queries/ at the project root.", valueName: "path"))
    var queries: String?

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
        let models = ProjectModels(project: project, output: output, queries: queries)
        let generated: (files: [ModelGenerator.File], warnings: [String])
        do {
            generated = try await models.files(on: connection, schema: schema)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        let (files, warnings) = generated
        for warning in warnings { terminal.warning(warning) }
        let directory = models.directory
        let outputPath = directory.path
        if check {
            let differences = try ModelGenerator.differences(files, in: directory)
            guard differences.isEmpty else {
                throw DBCtlFailure(message: "generated files are out of date (\(differences.joined(separator: ", "))); run `dbctl generate`")
            }
            terminal.success("generated models and queries match the schema (\(files.count) files)")
        } else {
            try ModelGenerator.write(files, to: directory)
            terminal.success("wrote \(files.count) files to \(outputPath)")
        }
    }
}
