import Foundation
import ModelGenerator
import PGKit
import PGKitTestSupport

/// This target's checked queries, as `dbctl generate` treats an app's: `queries/*.sql`
/// generated into `Generated/`, importing Repositories (for `Vector384`).
enum CheckedQueryProject {
    static let directory = ProjectPaths.root.appendingPathComponent("Tests/CheckedQueryTests")
    static let queries = directory.appendingPathComponent("queries")
    static let generated = directory.appendingPathComponent("Generated")

    /// The files the queries give against the schema `connection` sees.
    static func files(on connection: PGConnection) async throws -> [ModelGenerator.File] {
        var described: [(file: String, queries: [DescribedQuery])] = []
        for file in try QueryDirectory.load(queries, displayPrefix: "queries") {
            described.append((file.file, try await QueryIntrospector.describe(file.queries, on: connection, knownVectorDimensions: [384])))
        }
        return QueryCodeGenerator(imports: ["Repositories"]).generate(described)
    }
}
