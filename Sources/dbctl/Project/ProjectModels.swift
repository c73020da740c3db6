import Foundation
import LocalPostgres
import ModelGenerator
import PGKit
import Repositories

/// Which models a project's schema turns into, and where they go: in an app (pgkit.json names
/// a module other than `Repositories`), the app's own tables in its module, importing
/// Repositories, after checking the schema still serves the chat repositories; in PGKit's own
/// package, the chat models in `Sources/Repositories/Generated`.
struct ProjectModels {
    let directory: URL
    let isApp: Bool

    init(project: PGKitProject, output: String? = nil) {
        isApp = ChatSchemaCheck.applies(to: project)
        let relative = project.configuration.models?.directory ?? "Sources/Repositories/Generated"
        directory = output.map { URL(fileURLWithPath: $0) } ?? project.root.appendingPathComponent(relative)
    }

    /// The generated files for `tables`, and warnings about columns left out. Throws, naming the
    /// columns, when an app's schema breaks the chat repositories.
    func files(for tables: [TableSchema]) throws -> (files: [ModelGenerator.File], warnings: [String]) {
        guard isApp else { return ModelGenerator().generate(tables) }
        try ChatSchemaCheck.verify(tables)
        let generator = ModelGenerator(imports: ["Repositories"], providedVectorDimensions: [Vector384.dimensions])
        return generator.generate(tables.filter { !ChatSchema.tableNames.contains($0.name) })
    }
}
