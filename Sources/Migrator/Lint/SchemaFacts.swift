/// What the migrations so far have made, as far as the lint rules ask: column types, `CHECK
/// (column IS NOT NULL)` constraints and whether they are validated, functions' volatility,
/// and what the current file created. Built statement by statement from every migration in
/// order, the applied ones included, so a rule on a pending migration knows, say, that
/// `messages.label` is `varchar(100)` or that its not-null check was validated a release ago.
struct SchemaFacts {
    private var columns: [String: [String: ColumnType]] = [:]
    /// By table, then constraint name: the column it proves not null, and whether validated.
    private var notNullChecks: [String: [String: (column: String, validated: Bool)]] = [:]
    private var functions: [String: FunctionVolatility] = [:]
    /// Tables the current file created: new, so nothing reads them yet and they are small.
    private(set) var tablesCreatedInFile: Set<String> = []
    /// `table.constraint` for the constraints the current file added `NOT VALID`.
    private(set) var constraintsAddedNotValidInFile: Set<String> = []

    mutating func beginFile() {
        tablesCreatedInFile = []
        constraintsAddedNotValidInFile = []
    }

    func columnType(table: String, column: String) -> ColumnType? { columns[table]?[column] }

    func hasValidatedNotNullCheck(table: String, column: String) -> Bool {
        notNullChecks[table]?.values.contains { $0.column == column && $0.validated } ?? false
    }

    /// The volatility of `function`: as a migration created it, else PostgreSQL's for the
    /// built-ins dbctl knows; nil when unknown.
    func volatility(of function: String) -> FunctionVolatility? {
        functions[function] ?? FunctionVolatility.builtIn[function]
    }

    mutating func record(_ statement: RecognizedStatement) {
        switch statement {
        case .createTable(let name, let definitions):
            tablesCreatedInFile.insert(name)
            columns[name] = [:]
            for column in definitions { columns[name]![column.name] = column.type }
        case .alterTable(let table, let actions):
            for action in actions { record(action, on: table) }
        case .dropTables(let names):
            for name in names {
                columns[name] = nil
                notNullChecks[name] = nil
            }
        case .createFunction(let name, let volatility):
            functions[name] = volatility
        case .createIndex, .rewritesTables, .other:
            break
        }
    }

    private mutating func record(_ action: RecognizedStatement.AlterTableAction, on table: String) {
        switch action {
        case .addColumn(let column):
            columns[table, default: [:]][column.name] = column.type
        case .alterColumnType(let column, let type, _, _, _):
            columns[table, default: [:]][column] = type
        case .dropColumn(let column, _):
            columns[table]?[column] = nil
        case .renameColumn(let from, let to, _):
            let type = columns[table]?[from]
            columns[table]?[from] = nil
            columns[table]?[to] = type
            if let checks = notNullChecks[table] {
                notNullChecks[table] = checks.mapValues { $0.column == from ? (to, $0.validated) : $0 }
            }
        case .renameTable(let to, _):
            columns[to] = columns[table]
            columns[table] = nil
            notNullChecks[to] = notNullChecks[table]
            notNullChecks[table] = nil
            if tablesCreatedInFile.remove(table) != nil { tablesCreatedInFile.insert(to) }
        case .addConstraint(let constraint):
            if constraint.notValid, let name = constraint.name { constraintsAddedNotValidInFile.insert("\(table).\(name)") }
            if case .check(let column?) = constraint.kind {
                notNullChecks[table, default: [:]][constraint.name ?? "\(table)_\(column)_check"] = (column, !constraint.notValid)
            }
        case .validateConstraint(let name, _):
            if let check = notNullChecks[table]?[name] { notNullChecks[table]![name] = (check.column, true) }
        case .dropConstraint(let name, _):
            notNullChecks[table]?[name] = nil
        case .setNotNull, .other:
            break
        }
    }
}

extension FunctionVolatility {
    /// Built-in functions a column default commonly calls, with PostgreSQL's volatility
    /// (`pg_proc.provolatile`). Functions missing here and not created by a migration are
    /// unknown, and the lint treats them as possibly volatile.
    static let builtIn: [String: FunctionVolatility] = {
        var table: [String: FunctionVolatility] = [:]
        for name in ["random", "random_normal", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
                     "clock_timestamp", "timeofday", "nextval", "setval", "gen_random_bytes", "gen_salt", "txid_current", "pg_current_xact_id"] {
            table[name] = .volatile
        }
        for name in ["now", "statement_timestamp", "transaction_timestamp", "current_setting", "current_schema", "current_database",
                     "to_char", "to_timestamp", "date_trunc", "age", "current_user", "session_user"] {
            table[name] = .stable
        }
        for name in ["lower", "upper", "length", "char_length", "btrim", "ltrim", "rtrim", "trim", "concat", "concat_ws", "md5",
                     "replace", "substring", "substr", "left", "right", "format", "coalesce", "nullif", "greatest", "least", "abs",
                     "round", "floor", "ceil", "ceiling", "make_interval", "make_date", "make_time", "to_jsonb", "to_json",
                     "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array", "array_fill",
                     "uuid_nil", "uuid_ns_url", "cast", "extract", "row", "array", "interval"] {
            table[name] = .immutable
        }
        return table
    }()
}
