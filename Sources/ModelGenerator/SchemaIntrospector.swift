import PGKit

/// Reads the tables of a schema from `pg_catalog`.
public enum SchemaIntrospector {
    /// Tables the generator never models.
    public static let excludedTables: Set<String> = ["dbctl_migrations"]

    public static func tables(on connection: PGConnection, schema: String = "public") async throws -> [TableSchema] {
        let columns = try await connection.query("""
            SELECT c.relname::text, a.attname::text, t.typname::text, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, a.atthasdef, (a.attidentity <> '' OR a.attgenerated <> ''), a.atttypmod
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p')
            ORDER BY c.relname, a.attnum
            """)
        let keys = try await connection.query("""
            SELECT c.relname::text, a.attname::text
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
            WHERE i.indisprimary AND n.nspname = \(schema)
            ORDER BY c.relname, array_position(i.indkey, a.attnum)
            """)
        var primaryKeys: [String: [String]] = [:]
        for row in keys {
            let (table, column) = try row.decode((String, String).self)
            primaryKeys[table, default: []].append(column)
        }
        var byTable: [String: [TableSchema.Column]] = [:]
        var order: [String] = []
        for row in columns {
            let (table, name, typeName, formatted, notNull, hasDefault, generated, typmod) =
                try row.decode((String, String, String, String, Bool, Bool, Bool, Int32).self)
            if excludedTables.contains(table) { continue }
            if byTable[table] == nil { order.append(table) }
            byTable[table, default: []].append(TableSchema.Column(
                name: name, typeName: typeName, formattedType: formatted, isNullable: !notNull,
                hasDefault: hasDefault, isGenerated: generated,
                vectorDimensions: typeName == "vector" && typmod > 0 ? Int(typmod) : nil))
        }
        return order.sorted().map { TableSchema(name: $0, columns: byTable[$0]!, primaryKey: primaryKeys[$0] ?? []) }
    }
}
