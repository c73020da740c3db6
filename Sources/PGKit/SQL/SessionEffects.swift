/// What a statement may leave behind in its session after it ends, as far as the SQL text
/// shows: settings (`SET`, `set_config(..., false)`), a role (`SET ROLE`), temporary tables,
/// prepared statements made with SQL, cursors, `LISTEN`, advisory locks. A pool resets a
/// connection whose lease ran anything of the sort before lending it again.
///
/// The analysis is conservative: a statement counts as clean only when every part of it is
/// known not to touch session state. Any function outside a list of built-in functions known to
/// be free of session effects (a user's own function may call `set_config`), any statement kind
/// other than plain queries, DML and transaction control, counts as changing the session.
/// Getting it wrong that way costs a reset, never a leak.
///
/// ```swift
/// SessionEffects.of("SELECT id FROM users WHERE id = $1")              // []
/// SessionEffects.of("SELECT set_config('app.user', $1, false)")        // .sessionState
/// ```
public struct SessionEffects: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Settings, role, temporary objects, cursors, listens or locks may outlive the statement.
    public static let sessionState = SessionEffects(rawValue: 1)
    /// Prepared statements were created or removed with SQL (`PREPARE`, `DEALLOCATE`,
    /// `DISCARD`): the connection's own statement cache may no longer match the server.
    public static let preparedStatements = SessionEffects(rawValue: 2)

    /// The effects `sql` (one or more statements) may have.
    public static func of(_ sql: String) -> SessionEffects {
        if sql == transactionLocalSetting { return [] }
        var effects: SessionEffects = []
        var tokens = SQLTokenizer(sql)
        var statementStart = true
        // The three tokens before the current one, nearest first.
        var history: [SQLTokenizer.Token?] = [nil, nil, nil]
        var pending = tokens.next()
        while let token = pending {
            let next = tokens.next()
            if statementStart {
                effects.formUnion(effectsOfStatementStart(token, next))
                statementStart = false
            }
            switch token {
            case .symbol(0x3B):  // ;
                statementStart = true
            case .word(let word):
                if word == "temp" || word == "temporary" { effects.insert(.sessionState) }
                if next == .symbol(0x28), !keywordsBeforeParenthesis.contains(word), isCall(after: history), !cleanFunctions.contains(word) {
                    effects.insert(.sessionState)
                }
            case .quotedIdentifier:
                // A function named with quotes is never one of the known built-ins.
                if next == .symbol(0x28), isCall(after: history) { effects.insert(.sessionState) }
            default: break
            }
            history = [token, history[0], history[1]]
            pending = next
        }
        return effects
    }

    /// What PGKit's own transaction settings send, transaction-local by construction.
    static let transactionLocalSetting = "SELECT set_config($1, $2, true)"

    private static func effectsOfStatementStart(_ token: SQLTokenizer.Token, _ next: SQLTokenizer.Token?) -> SessionEffects {
        guard case .word(let word) = token else {
            return token == .symbol(0x28) || token == .symbol(0x3B) ? [] : .sessionState  // (SELECT ...) or an empty statement
        }
        switch word {
        case "select", "insert", "update", "delete", "with", "values", "table", "merge", "explain", "show",
             "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "copy", "analyze", "analyse",
             "vacuum", "notify", "unlisten", "lock", "checkpoint", "create", "alter", "drop", "comment", "grant", "revoke",
             "truncate", "refresh", "reindex", "cluster", "security":
            return []  // database changes, not session state (temporary objects are caught by their keyword)
        case "set":
            // SET LOCAL and SET TRANSACTION end with the transaction; everything else stays.
            if next == .word("local") || next == .word("transaction") || next == .word("constraints") { return [] }
            return .sessionState
        case "prepare", "deallocate", "discard":
            return [.sessionState, .preparedStatements]
        default:
            // reset, listen, declare, do, call, load, fetch, move, close and anything unknown.
            return .sessionState
        }
    }

    /// Whether a name followed by `(`, after `history` (nearest first), is called: not a type
    /// modifier (`::numeric(10, 2)`), an alias's column list (`AS t(a, b)`) or a table's
    /// (`INSERT INTO s.t (a, b)`, `REFERENCES t (id)`).
    private static func isCall(after history: [SQLTokenizer.Token?]) -> Bool {
        switch history[0] {
        case .symbol(0x3A)?: return false
        case .word(let keyword)? where tableReferenceKeywords.contains(keyword) || keyword == "as": return false
        case .symbol(0x2E)?:
            if case .word(let keyword)? = history[2], tableReferenceKeywords.contains(keyword) { return false }
            return true
        default: return true
        }
    }

    private static let tableReferenceKeywords: Set<String> = ["into", "table", "references", "only", "index", "view", "type", "exists"]

    /// Keywords that may be followed by `(` without being a call.
    private static let keywordsBeforeParenthesis: Set<String> = [
        "select", "from", "where", "and", "or", "not", "in", "any", "all", "some", "exists", "values", "cast", "array",
        "row", "over", "filter", "within", "as", "on", "using", "when", "then", "else", "case", "is", "like", "ilike",
        "similar", "set", "returning", "by", "partition", "order", "group", "having", "limit", "offset", "union",
        "intersect", "except", "distinct", "lateral", "into", "with", "recursive", "default", "unique", "primary",
        "key", "check", "references", "foreign", "constraint", "conflict", "join", "between", "escape", "include",
        "window", "rows", "range", "groups", "do", "update", "insert", "delete", "tablesample", "only", "interval",
        "numeric", "decimal", "varchar", "char", "character", "varying", "timestamp", "time", "bit", "float",
        "precision", "vector", "halfvec", "sparsevec", "nulls", "first", "last", "return", "if", "elsif", "table",
        "generated", "identity", "stored", "collate", "at", "zone", "overlaps", "to", "for", "of", "share", "nowait",
        "skip", "locked", "fetch", "next", "matched", "exclude", "ties", "preceding", "following", "unbounded", "current",
    ]

    /// Built-in functions known to leave no session state behind.
    static let cleanFunctions: Set<String> = [
        // aggregates and window functions
        "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg", "json_object_agg",
        "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "stddev", "stddev_pop", "stddev_samp",
        "variance", "var_pop", "var_samp", "percentile_cont", "percentile_disc", "mode", "corr", "row_number", "rank",
        "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
        // conditionals and comparisons
        "coalesce", "nullif", "greatest", "least", "num_nulls", "num_nonnulls",
        // text
        "lower", "upper", "initcap", "length", "char_length", "character_length", "octet_length", "bit_length",
        "substr", "substring", "strpos", "position", "replace", "translate", "trim", "btrim", "ltrim", "rtrim",
        "concat", "concat_ws", "format", "left", "right", "lpad", "rpad", "repeat", "reverse", "split_part",
        "regexp_replace", "regexp_match", "regexp_matches", "regexp_split_to_array", "regexp_split_to_table",
        "regexp_like", "regexp_count", "regexp_instr", "regexp_substr", "starts_with", "md5", "sha224", "sha256",
        "sha384", "sha512", "encode", "decode", "chr", "ascii", "to_hex", "quote_ident", "quote_literal",
        "quote_nullable", "string_to_array", "array_to_string", "overlay", "normalize", "unistr",
        // numbers
        "abs", "round", "floor", "ceil", "ceiling", "trunc", "sqrt", "cbrt", "power", "pow", "exp", "ln", "log",
        "log10", "mod", "sign", "div", "gcd", "lcm", "width_bucket", "random", "pi", "degrees", "radians", "sin",
        "cos", "tan", "asin", "acos", "atan", "atan2", "scale", "min_scale", "trim_scale", "factorial",
        // dates and times
        "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday", "date_trunc",
        "date_part", "date_bin", "extract", "age", "make_interval", "make_date", "make_time", "make_timestamp",
        "make_timestamptz", "to_char", "to_date", "to_timestamp", "to_number", "isfinite", "justify_days",
        "justify_hours", "justify_interval", "timezone",
        // uuids and ids
        "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v7",
        // json
        "to_json", "to_jsonb", "row_to_json", "array_to_json", "json_build_object", "jsonb_build_object",
        "json_build_array", "jsonb_build_array", "json_object", "jsonb_object", "jsonb_set", "jsonb_set_lax",
        "jsonb_insert", "jsonb_strip_nulls", "json_strip_nulls", "jsonb_array_length", "json_array_length",
        "jsonb_array_elements", "jsonb_array_elements_text", "json_array_elements", "json_array_elements_text",
        "jsonb_each", "jsonb_each_text", "json_each", "json_each_text", "jsonb_object_keys", "json_object_keys",
        "jsonb_typeof", "json_typeof", "jsonb_extract_path", "jsonb_extract_path_text", "json_extract_path",
        "json_extract_path_text", "jsonb_path_query", "jsonb_path_query_array", "jsonb_path_query_first",
        "jsonb_path_exists", "jsonb_path_match", "jsonb_pretty", "jsonb_populate_record", "jsonb_to_record",
        "jsonb_to_recordset", "json_populate_record", "json_to_record", "json_to_recordset",
        // arrays and sets
        "array_length", "array_lower", "array_upper", "array_ndims", "array_dims", "array_position",
        "array_positions", "array_remove", "array_replace", "array_append", "array_prepend", "array_cat",
        "array_fill", "cardinality", "unnest", "generate_series", "generate_subscripts",
        // full-text search
        "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery", "ts_rank",
        "ts_rank_cd", "ts_headline", "setweight", "strip", "numnode", "querytree", "tsvector_to_array",
        "array_to_tsvector", "ts_delete", "ts_filter",
        // pgvector
        "l2_distance", "cosine_distance", "inner_product", "l1_distance", "vector_dims", "vector_norm",
        "l2_normalize", "binary_quantize", "subvector", "hamming_distance", "jaccard_distance", "l2_norm",
        // system information (read only)
        "pg_sleep", "pg_backend_pid", "version", "current_setting", "current_database", "current_schema",
        "current_schemas", "pg_is_in_recovery", "pg_last_xact_replay_timestamp", "pg_last_wal_replay_lsn",
        "pg_last_wal_receive_lsn", "pg_current_wal_lsn", "pg_current_wal_insert_lsn", "pg_wal_lsn_diff",
        "pg_postmaster_start_time", "txid_current", "txid_current_if_assigned", "pg_current_xact_id",
        "pg_current_xact_id_if_assigned", "pg_typeof", "pg_column_size", "pg_relation_size",
        "pg_total_relation_size", "pg_table_size", "pg_indexes_size", "pg_database_size", "pg_size_pretty",
        "format_type", "obj_description", "col_description", "pg_get_expr", "pg_get_indexdef",
        "pg_get_constraintdef", "pg_get_viewdef", "pg_get_functiondef", "pg_get_serial_sequence",
        "pg_get_userbyid", "pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible",
        "has_table_privilege", "has_schema_privilege", "has_column_privilege", "has_database_privilege",
        "has_function_privilege", "pg_has_role", "to_regclass", "to_regtype", "to_regproc", "to_regrole",
        "to_regnamespace", "pg_notify", "pg_cancel_backend", "pg_terminate_backend", "pg_stat_get_activity",
        "pg_blocking_pids", "pg_replication_slot_advance", "pg_xact_commit_timestamp", "pg_encoding_to_char",
        "pg_stat_reset", "pg_relation_filenode", "pg_relation_filepath", "pg_tablespace_location",
        "pg_get_keywords", "pg_partition_tree", "pg_partition_root",
    ]
}
