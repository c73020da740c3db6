/// The Swift type a column becomes.
enum SwiftTypeMapping {
    /// The Swift type for a PostgreSQL type name, or nil when PGKit has no codec for it.
    static func swiftType(for column: TableSchema.Column) -> String? {
        if let dimensions = column.vectorDimensions { return "Vector\(dimensions)" }
        if column.typeName == "vector" { return "PGVector" }
        if column.typeName.hasPrefix("_"), let element = scalarType(String(column.typeName.dropFirst())) {
            return "[\(element)]"
        }
        return scalarType(column.typeName)
    }

    /// The Swift type for a query's parameter or column of type `typeName`: `Vector<n>` for a
    /// `vector(n)` whose type exists (`knownVectorDimensions`), else `PGVector`.
    static func swiftType(typeName: String, vectorDimensions: Int?, knownVectorDimensions: Set<Int>) -> String? {
        if typeName == "vector" {
            if let vectorDimensions, knownVectorDimensions.contains(vectorDimensions) { return "Vector\(vectorDimensions)" }
            return "PGVector"
        }
        if typeName.hasPrefix("_"), let element = scalarType(String(typeName.dropFirst())) { return "[\(element)]" }
        return scalarType(typeName)
    }

    private static func scalarType(_ typeName: String) -> String? {
        switch typeName {
        case "uuid": return "UUID"
        case "text", "varchar", "bpchar", "name", "citext": return "String"
        case "int2": return "Int16"
        case "int4": return "Int32"
        case "int8": return "Int64"
        case "float4": return "Float"
        case "float8": return "Double"
        case "bool": return "Bool"
        case "timestamptz", "timestamp", "date": return "Date"
        case "json", "jsonb": return "PGJSONValue"
        case "bytea": return "Data"
        case "numeric": return "Decimal"
        default: return nil
        }
    }
}
