@testable import ModelGenerator
import Testing

@Suite struct ModelGeneratorTests {
    func column(_ name: String, _ type: String = "text", nullable: Bool = false, hasDefault: Bool = false, dimensions: Int? = nil) -> TableSchema.Column {
        TableSchema.Column(name: name, typeName: type, formattedType: type, isNullable: nullable, hasDefault: hasDefault,
                           isGenerated: false, vectorDimensions: dimensions)
    }

    @Test func namesBecomeSwiftCased() {
        #expect(SwiftNaming.typeName(forTable: "character_files") == "CharacterFile")
        #expect(SwiftNaming.typeName(forTable: "memories") == "Memory")
        #expect(SwiftNaming.typeName(forTable: "addresses") == "Address")
        #expect(SwiftNaming.propertyName(forColumn: "model_path") == "modelPath")
        #expect(SwiftNaming.propertyName(forColumn: "default") == "`default`")
    }

    @Test func hostileIdentifiersStillGiveValidSwiftAndQuotedSQLNames() {
        let table = TableSchema(name: "we\"ird; DROP TABLE users", columns: [
            column("id", "uuid", hasDefault: true), column("my col"), column("2nd-value", "int4", nullable: true), column("\\\"quoted\""),
        ], primaryKey: ["id"])
        #expect(SwiftNaming.typeName(forTable: table.name) == "WeIrdDropTableUser")
        #expect(SwiftNaming.propertyName(forColumn: "my col") == "myCol")
        #expect(SwiftNaming.propertyName(forColumn: "2nd-value") == "c2ndValue")
        let (files, warnings) = ModelGenerator().generate([table])
        #expect(warnings.isEmpty)
        let source = files[0].contents
        // The SQL names are kept verbatim, escaped as Swift string literals.
        #expect(source.contains(#"public static let tableName = "we\"ird; DROP TABLE users""#))
        #expect(source.contains(#""my col""#))
        #expect(source.contains(#""\\\"quoted\"""#))
    }

    @Test func outputIsDeterministicAndLeavesDefaultsOut() {
        let tables = [TableSchema(name: "notes", columns: [
            column("id", "uuid", hasDefault: true), column("body"), column("embedding", "vector", nullable: true, dimensions: 3),
            column("created_at", "timestamptz", hasDefault: true), column("score", "float8", hasDefault: true),
        ], primaryKey: ["id"])]
        let first = ModelGenerator().generate(tables).files
        #expect(first == ModelGenerator().generate(tables).files)
        #expect(first.map(\.name) == ["Note.swift", "Vectors.swift"])
        let note = first[0].contents
        #expect(note.contains("public init(body: String, embedding: Vector3? = nil, id: UUID? = nil, score: Double? = nil)"))
        #expect(note.contains("public var embedding: FieldUpdate<Vector3?>"))
        #expect(!note.contains("FieldUpdate<Date>"), "managed timestamps are not updatable")
        #expect(first[1].contents.contains("public struct Vector3: PGFixedDimensionVector"))
    }
}
