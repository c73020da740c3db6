import PGKit

/// Reads the tables and views of a schema, their columns, keys, relations and row counts.
public enum StudioCatalog {
    /// Tables with more rows than this (by the planner's estimate) show the estimate, not a count.
    public static let exactCountLimit = 100_000

    public static func tables(on connection: PGConnection, schema: String = "public") async throws -> [TableInfo] {
        let relations = try await connection.query("""
            SELECT c.oid::int8, c.relname::text, c.relkind::text, GREATEST(c.reltuples, 0)::int8
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p', 'v', 'm')
            ORDER BY c.relname
            """)
        let columnRows = try await connection.query("""
            SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum
            """)
        let constraintRows = try await connection.query("""
            SELECT con.contype::text, src.relname::text, dst.relname::text,
                   ARRAY(SELECT attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_attribute ON attrelid = con.conrelid AND attnum = k.num ORDER BY ord),
                   ARRAY(SELECT attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_attribute ON attrelid = con.confrelid AND attnum = k.num ORDER BY ord)
            FROM pg_constraint con
            JOIN pg_class src ON src.oid = con.conrelid JOIN pg_namespace n ON n.oid = src.relnamespace
            LEFT JOIN pg_class dst ON dst.oid = con.confrelid
            WHERE n.nspname = \(schema) AND con.contype IN ('p', 'f')
            ORDER BY con.conname
            """)
        let indexRows = try await connection.query("""
            SELECT t.relname::text,
                   array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n),
                   array(SELECT (o & 1) = 1 FROM unnest(i.indoption::int2[]) AS o), i.indisunique
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
            WHERE n.nspname = \(schema) AND am.amname = 'btree' AND i.indpred IS NULL AND i.indexprs IS NULL
            """)
        var indexes: [String: [PGIndexCoverage.Index]] = [:]
        for row in indexRows {
            let (table, indexColumns, descending, unique) = try row.decode((String, [String], [Bool], Bool).self)
            indexes[table, default: []].append(PGIndexCoverage.Index(columns: indexColumns, descending: descending, unique: unique))
        }
        var columns: [Int64: [TableInfo.Column]] = [:]
        for row in columnRows {
            let (oid, name, type, nullable) = try row.decode((Int64, String, String, Bool).self)
            columns[oid, default: []].append(TableInfo.Column(name: name, type: type, isNullable: nullable))
        }
        var primaryKeys: [String: [String]] = [:]
        var foreignKeys: [TableInfo.ForeignKey] = []
        for row in constraintRows {
            let (kind, table, referenced, keyColumns, referencedColumns) = try row.decode((String, String, String?, [String], [String]?).self)
            if kind == "p" { primaryKeys[table] = keyColumns }
            if kind == "f", let referenced {
                foreignKeys.append(.init(table: table, columns: keyColumns, referencedTable: referenced, referencedColumns: referencedColumns ?? []))
            }
        }
        var tables: [TableInfo] = []
        for row in relations {
            let (oid, name, kind, estimate) = try row.decode((Int64, String, String, Int64).self)
            var count = Int(estimate)
            var exact = false
            if count < exactCountLimit {
                count = try await connection.query("SELECT count(*) FROM \(unescaped: PGQuery.quoteIdentifier(name))").scalar(Int.self) ?? 0
                exact = true
            }
            tables.append(TableInfo(
                name: name, isView: kind == "v" || kind == "m", columns: columns[oid] ?? [], primaryKey: primaryKeys[name] ?? [],
                rowCount: count, rowCountIsExact: exact,
                foreignKeys: foreignKeys.filter { $0.table == name }, referencedBy: foreignKeys.filter { $0.referencedTable == name },
                indexes: indexes[name] ?? []))
        }
        return tables
    }
}
