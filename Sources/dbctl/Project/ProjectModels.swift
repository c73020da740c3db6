import Foundation
import LocalPostgres
import ModelGenerator
import PGKit
import Repositories

/// Which models a project's schema turns into, and where they go: in an app (pgkit.json names
/// a module other than `Repositories`), the app's own tables in its module, importing
/// Repositories, after checking the schema still serves the chat repositories; in PGKit's own
/// package, the chat models in `Sources/Repositories/Generated`. The project's checked queries
/// (`.sql` files in pgkit.json's `queries` directory, `queries/` by default) go beside them.
struct ProjectModels {
    let directory: URL
    let isApp: Bool
    /// Where the `.sql` files are, and how messages name that directory.
    let queriesDirectory: URL
    let queriesDisplay: String

    init(project: PGKitProject, output: String? = nil, queries: String? = nil) {
        isApp = ChatSchemaCheck.applies(to: project)
        let relative = project.configuration.models?.directory ?? "Sources/Repositories/Generated"
        directory = output.map { URL(fileURLWithPath: $0) } ?? project.root.appendingPathComponent(relative)
        if let queries {
            queriesDirectory = URL(fileURLWithPath: queries)
            queriesDisplay = queries
        } else {
            queriesDisplay = project.configuration.queries ?? "queries"
            queriesDirectory = project.root.appendingPathComponent(queriesDisplay)
        }
    }

    /// The generated files for `tables`, and warnings about columns left out. Throws, naming the
    /// columns, when an app's schema breaks the chat repositories.
    func files(for tables: [TableSchema]) throws -> (files: [ModelGenerator.File], warnings: [String]) {
        guard isApp else { return ModelGenerator().generate(tables) }
        try ChatSchemaCheck.verify(tables)
        return modelGenerator.generate(appTables(tables))
    }

    private var modelGenerator: ModelGenerator {
        isApp ? ModelGenerator(imports: ["Repositories"], providedVectorDimensions: [Vector384.dimensions]) : ModelGenerator()
    }

    private func appTables(_ tables: [TableSchema]) -> [TableSchema] {
        isApp ? tables.filter { !ChatSchema.tableNames.contains($0.name) } : tables
    }

    /// The models and the checked queries' files for the schema `connection` sees. Throws every
    /// query that no longer prepares, or has a type PGKit cannot map, with its `file:line`.
    func files(on connection: PGConnection, schema: String) async throws -> (files: [ModelGenerator.File], warnings: [String]) {
        let tables = try await SchemaIntrospector.tables(on: connection, schema: schema)
        let (models, warnings) = try files(for: tables)
        let queries = try await describeQueries(on: connection, tables: tables)
        // An app's queries are its module's API; PGKit's own (queries/ at its root) are the
        // Repositories' implementation, so they stay internal to that module.
        let generator = isApp ? QueryCodeGenerator(imports: ["Repositories"]) : QueryCodeGenerator(access: "internal")
        return ((models + generator.generate(queries)).sorted { $0.name < $1.name }, warnings)
    }

    /// The project's queries as the server describes them on `connection` (which the caller
    /// has pointed at the schema to check against).
    func describeQueries(on connection: PGConnection, tables: [TableSchema]) async throws -> [(file: String, queries: [DescribedQuery])] {
        do {
            let files = try QueryDirectory.load(queriesDirectory, displayPrefix: queriesDisplay)
            guard !files.isEmpty else { return [] }
            var dimensions = modelGenerator.providedVectorDimensions
            for table in appTables(tables) { for column in table.columns { if let size = column.vectorDimensions { dimensions.insert(size) } } }
            var described: [(file: String, queries: [DescribedQuery])] = []
            var problems: [QueryGenerationError] = []
            for file in files {
                do {
                    described.append((file.file, try await QueryIntrospector.describe(file.queries, on: connection, knownVectorDimensions: dimensions)))
                } catch let error as QueryGenerationErrors {
                    problems += error.problems
                }
            }
            if !problems.isEmpty { throw QueryGenerationErrors(problems: problems) }
            return described
        } catch let error as QueryGenerationError {
            throw DBCtlFailure(message: "checked queries: \(error)")
        } catch let error as QueryGenerationErrors {
            throw DBCtlFailure(message: "checked queries no longer match the schema:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
    }

    /// Fails, naming each query's `file:line`, when a query no longer prepares against the
    /// schema `config` reaches (`dbctl migrate` runs it on its shadow database).
    func verifyQueries(_ config: PGConfig, schema: String) async throws {
        let connection = try await PGConnection.connect(config)
        do {
            let tables = try await SchemaIntrospector.tables(on: connection, schema: schema)
            _ = try await describeQueries(on: connection, tables: tables)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}
