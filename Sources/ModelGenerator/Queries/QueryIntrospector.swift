import PGKit

/// Asks the server about each query (`PGConnection.describe`: parse and analyse, never run)
/// and resolves its parameter and column types and its columns' nullability. Preparing runs
/// nothing, so no statement can change data here; the connection's schema is the one the
/// queries are checked against.
public enum QueryIntrospector {
    /// The queries, described; throws every problem found (each with `file:line`), not only the first.
    public static func describe(_ queries: [CheckedQuery], on connection: PGConnection,
                                knownVectorDimensions: Set<Int> = []) async throws -> [DescribedQuery] {
        var descriptions: [(CheckedQuery, PGStatementDescription)] = []
        var problems: [QueryGenerationError] = []
        for query in queries {
            do {
                descriptions.append((query, try await connection.describe(query.sql)))
            } catch let error as PGError {
                var message = error.message
                if let hint = error.hint { message += " (hint: \(hint))" }
                problems.append(QueryGenerationError(file: query.file, line: query.line(ofPosition: error.position), query: query.name, message: message))
            }
        }
        let typeOIDs = Set(descriptions.flatMap { $0.1.parameterTypes + $0.1.columns.map(\.typeOID) })
        let tableOIDs = Set(descriptions.flatMap { $0.1.columns.map(\.tableOID) }).subtracting([0])
        let types = try await typeNames(Array(typeOIDs), on: connection)
        let attributes = try await tableColumns(Array(tableOIDs), on: connection)
        var described: [DescribedQuery] = []
        for (query, description) in descriptions {
            switch resolve(query, description, types: types, attributes: attributes, knownVectorDimensions: knownVectorDimensions) {
            case .success(let query): described.append(query)
            case .failure(let error): problems.append(error)
            }
        }
        if !problems.isEmpty { throw QueryGenerationErrors(problems: problems) }
        return described
    }

    /// A table column as `pg_attribute` has it.
    struct TableColumn: Hashable {
        let table: String
        let column: String
        let isNotNull: Bool
    }

    struct Key: Hashable {
        let table: UInt32
        let column: Int16
    }

    static func resolve(_ query: CheckedQuery, _ description: PGStatementDescription, types: [UInt32: String],
                        attributes: [Key: TableColumn], knownVectorDimensions: Set<Int>) -> Result<DescribedQuery, QueryGenerationError> {
        Result { () throws(QueryGenerationError) in
            try resolveOrThrow(query, description, types: types, attributes: attributes, knownVectorDimensions: knownVectorDimensions)
        }
    }

    private static func resolveOrThrow(_ query: CheckedQuery, _ description: PGStatementDescription, types: [UInt32: String],
                                       attributes: [Key: TableColumn], knownVectorDimensions: Set<Int>) throws(QueryGenerationError) -> DescribedQuery {
        func fail(_ message: String) -> QueryGenerationError {
            QueryGenerationError(file: query.file, line: query.line, query: query.name, message: message)
        }
        var parameters: [DescribedQuery.Parameter] = []
        for (index, oid) in description.parameterTypes.enumerated() {
            let named = index < query.namedParameters.count ? query.namedParameters[index] : nil
            let written = named.map { "@\($0.name ?? "")" } ?? "$\(index + 1)"
            let sqlType = types[oid] ?? "oid \(oid)"
            guard let swiftType = SwiftTypeMapping.swiftType(typeName: sqlType, vectorDimensions: nil, knownVectorDimensions: []) else {
                throw fail("parameter \(written) has type \(sqlType), which PGKit has no Swift type for; cast it in the SQL, such as \(written)::text")
            }
            parameters.append(.init(label: named?.name.map(SwiftNaming.identifierName(forQueryName:)),
                                    swiftType: swiftType + (named?.isOptional == true ? "?" : ""), sqlType: sqlType))
        }
        let nullable = NullableSources(sql: query.sql)
        var columns: [DescribedQuery.Column] = []
        for column in description.columns {
            var name = column.name
            var forced: Bool?
            if name.hasSuffix("!") { forced = false; name.removeLast() } else if name.hasSuffix("?") { forced = true; name.removeLast() }
            guard !name.isEmpty, name != "?column?" else {
                throw fail("a result column has no name; name it with AS, such as `count(*) AS total`")
            }
            let sqlType = types[column.typeOID] ?? "oid \(column.typeOID)"
            let dimensions = sqlType == "vector" && column.typeModifier > 0 ? Int(column.typeModifier) : nil
            guard let swiftType = SwiftTypeMapping.swiftType(typeName: sqlType, vectorDimensions: dimensions, knownVectorDimensions: knownVectorDimensions) else {
                throw fail("column \"\(name)\" has type \(sqlType), which PGKit has no Swift type for; cast it in the SQL, such as \(name)::text AS \(name)")
            }
            let source = attributes[Key(table: column.tableOID, column: column.tableColumn)]
            let proven = source.map { $0.isNotNull && !nullable.mayNullOut($0.table) } ?? false
            let isOptional = forced ?? !proven
            var origin: String
            if let source {
                origin = "\(source.table).\(source.column)"
                origin += source.isNotNull ? (proven ? ", not null" : ", not null but on the nullable side of an outer join") : ", nullable"
            } else {
                origin = "an expression"
            }
            if forced == false { origin += "; forced non-optional by `!`" } else if forced == true { origin += "; forced optional by `?`" }
            let property = SwiftNaming.identifierName(forQueryName: name)
            if columns.contains(where: { $0.property == property }) {
                throw fail("two result columns give the Swift property `\(property)`; give one another name with AS")
            }
            columns.append(.init(name: column.name, property: property, swiftType: swiftType, isOptional: isOptional, origin: origin))
        }
        return DescribedQuery(query: query, parameters: parameters, columns: columns)
    }

    /// `pg_type` names for OIDs; a domain reads as its base type.
    static func typeNames(_ oids: [UInt32], on connection: PGConnection) async throws -> [UInt32: String] {
        guard !oids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT t.oid::int8, (CASE WHEN t.typtype = 'd' THEN b.typname ELSE t.typname END)::text
            FROM pg_type t LEFT JOIN pg_type b ON b.oid = t.typbasetype
            WHERE t.oid::int8 = ANY (\(oids.map { Int64($0) }))
            """)
        var names: [UInt32: String] = [:]
        for row in rows {
            let (oid, name) = try row.decode((Int64, String).self)
            names[UInt32(oid)] = name
        }
        return names
    }

    /// The columns of the tables `oids`, with their NOT NULL constraints.
    static func tableColumns(_ oids: [UInt32], on connection: PGConnection) async throws -> [Key: TableColumn] {
        guard !oids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT a.attrelid::int8, a.attnum, c.relname::text, a.attname::text, a.attnotnull AND c.relkind IN ('r', 'p')
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attrelid::int8 = ANY (\(oids.map { Int64($0) })) AND a.attnum > 0 AND NOT a.attisdropped
            """)
        var columns: [Key: TableColumn] = [:]
        for row in rows {
            let (table, number, tableName, column, notNull) = try row.decode((Int64, Int16, String, String, Bool).self)
            columns[Key(table: UInt32(table), column: number)] = TableColumn(table: tableName, column: column, isNotNull: notNull)
        }
        return columns
    }
}

/// Every problem a set of queries has, one per line.
public struct QueryGenerationErrors: Error, Sendable, CustomStringConvertible {
    public let problems: [QueryGenerationError]
    public init(problems: [QueryGenerationError]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
