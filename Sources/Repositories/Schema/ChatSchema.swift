/// What the chat repositories need of the database: their six tables and the columns they
/// read, with types and nullability, as the generated models were made from. An app that owns
/// its migrations checks its schema against this (`dbctl generate --check` and `dbctl migrate`
/// do), so a migration that drops or retypes a column the repositories read is caught before
/// a query fails.
public enum ChatSchema {
    /// One column of a schema as introspected.
    public struct Column: Sendable, Equatable {
        public let name: String
        /// `format_type`, such as `timestamp with time zone` or `vector(384)`.
        public let type: String
        public let isNullable: Bool
        public init(name: String, type: String, isNullable: Bool) {
            self.name = name
            self.type = type
            self.isNullable = isNullable
        }
    }

    /// The chat models, whose tables the repositories read.
    static let models: [any TableRecord.Type] = [User.self, Session.self, Message.self, CharacterFile.self, Memory.self, Specialization.self]

    /// The chat tables' names.
    public static var tableNames: Set<String> { Set(models.map { $0.tableName }) }

    /// The columns the chat repositories read, by table (what `dbctl lint` keeps an app's
    /// migrations from renaming or dropping).
    public static var readColumns: [String: [String]] {
        Dictionary(uniqueKeysWithValues: models.map { ($0.tableName, $0.columnNames) })
    }

    /// Everything in `tables` (table name → columns) that would break the chat repositories,
    /// one sentence each naming the table and column; empty when the schema serves them.
    public static func incompatibilities(in tables: [String: [Column]]) -> [String] {
        var problems: [String] = []
        for model in models {
            guard let columns = tables[model.tableName] else {
                problems.append("the chat repositories read table \(model.tableName), which the schema does not have")
                continue
            }
            for (name, type) in zip(model.columnNames, model.columnTypes) {
                guard let column = columns.first(where: { $0.name == name }) else {
                    problems.append("the chat repositories read \(model.tableName).\(name) (\(type)), which the schema does not have")
                    continue
                }
                if column.type != type {
                    problems.append("the chat repositories read \(model.tableName).\(name) as \(type), but the schema makes it \(column.type)")
                }
                if column.isNullable, !model.nullableColumns.contains(name) {
                    problems.append("the chat repositories read \(model.tableName).\(name) as NOT NULL, but the schema lets it be NULL")
                }
            }
        }
        return problems
    }
}
