import Foundation
import LocalPostgres
import ModelGenerator
import PGKit
import Repositories

/// In an app's project (pgkit.json names models of the app's own module), the schema must still
/// serve the chat repositories: every column they read, with its type and nullability.
enum ChatSchemaCheck {
    /// Whether `project` is an app's (rather than PGKit's own package, whose models are the chat ones).
    static func applies(to project: PGKitProject) -> Bool {
        guard let models = project.configuration.models else { return false }
        return models.module != "Repositories"
    }

    /// The problems `tables` gives the chat repositories.
    static func problems(in tables: [TableSchema]) -> [String] {
        ChatSchema.incompatibilities(in: Dictionary(uniqueKeysWithValues: tables.map { table in
            (table.name, table.columns.map { ChatSchema.Column(name: $0.name, type: $0.formattedType, isNullable: $0.isNullable) })
        }))
    }

    /// Introspects `schema` on `config` and fails, naming each column, when the chat repositories
    /// would break.
    static func verify(_ config: PGConfig, schema: String) async throws {
        let connection = try await PGConnection.connect(config)
        let tables = try await SchemaIntrospector.tables(on: connection, schema: schema)
        await connection.close()
        try verify(tables)
    }

    static func verify(_ tables: [TableSchema]) throws {
        let problems = problems(in: tables)
        guard problems.isEmpty else {
            throw DBCtlFailure(message: "the schema breaks the chat repositories:\n" + problems.map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}
