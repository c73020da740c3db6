/// What a migration statement does, as far as the lint rules and the schema facts need to
/// know, read from its tokens: the DDL that locks or rewrites tables, and the statements that
/// tell what later ones act on (tables, columns and their types, constraints, functions).
/// Everything else is `.other`.
///
/// It reads the statement's own tokens only: SQL inside strings (a `DO` block, a function's
/// body, `EXECUTE`) is not seen.
enum RecognizedStatement {
    case createTable(name: String, columns: [ColumnDefinition])
    case createIndex(table: String, concurrently: Bool)
    case alterTable(table: String, actions: [AlterTableAction])
    case dropTables([String])
    case createFunction(name: String, volatility: FunctionVolatility)
    /// `VACUUM FULL` or `CLUSTER`: rewrites whole tables under an ACCESS EXCLUSIVE lock.
    case rewritesTables(command: String)
    case other

    /// A column as `CREATE TABLE` or `ADD COLUMN` defines it.
    struct ColumnDefinition {
        let name: String
        let type: ColumnType?
        /// The type as written, for messages.
        let typeText: String
        /// The `DEFAULT` expression's tokens.
        let defaultExpression: Range<Int>?
        let hasReferences: Bool
        let hasCheck: Bool
        /// `GENERATED ... AS IDENTITY`, or `GENERATED ALWAYS AS (...) STORED`: a value per row.
        let generatesValues: String?
        let line: Int
    }

    /// A constraint `ADD CONSTRAINT` adds.
    struct TableConstraint {
        enum Kind: Equatable {
            /// `CHECK (...)`; `notNullColumn` when it is exactly `CHECK (column IS NOT NULL)`.
            case check(notNullColumn: String?)
            case foreignKey
            case other
        }
        let name: String?
        let kind: Kind
        let notValid: Bool
        let line: Int
    }

    enum AlterTableAction {
        case addColumn(ColumnDefinition)
        case addConstraint(TableConstraint)
        case alterColumnType(column: String, type: ColumnType?, typeText: String, hasUsing: Bool, line: Int)
        case setNotNull(column: String, line: Int)
        case dropColumn(column: String, line: Int)
        case renameColumn(from: String, to: String, line: Int)
        case renameTable(to: String, line: Int)
        case validateConstraint(name: String, line: Int)
        case dropConstraint(name: String, line: Int)
        case other
    }

    init(_ statement: LintStatement) {
        switch statement.word(0) {
        case "create": self = Self.create(statement)
        case "alter": self = Self.alterTable(statement) ?? .other
        case "drop": self = Self.dropTable(statement) ?? .other
        case "vacuum": self = Self.vacuumFull(statement) ? .rewritesTables(command: "VACUUM FULL") : .other
        case "cluster": self = .rewritesTables(command: "CLUSTER")
        default: self = .other
        }
    }

    /// The words the statements the rules look at start with (those above, and `REINDEX`): the
    /// lint tokenizes only these whole, and an `INSERT` of 10 MB costs it one token.
    static let firstWords: Set<String> = ["create", "alter", "drop", "vacuum", "cluster", "reindex"]

    // MARK: CREATE

    private static func create(_ statement: LintStatement) -> RecognizedStatement {
        var index = statement.skipping(["or", "replace"], at: 1)
        while let word = statement.word(index), ["global", "local", "temp", "temporary", "unlogged", "unique"].contains(word) { index += 1 }
        switch statement.word(index) {
        case "table": return createTable(statement, from: index + 1)
        case "index": return createIndex(statement, from: index + 1)
        case "function": return createFunction(statement, from: index + 1)
        default: return .other
        }
    }

    private static func createTable(_ statement: LintStatement, from start: Int) -> RecognizedStatement {
        let index = statement.skipping(["if", "not", "exists"], at: start)
        guard let (name, end) = statement.qualifiedName(at: index) else { return .other }
        guard statement.isSymbol(end, "(") else { return .createTable(name: name, columns: []) }
        let close = statement.closingParenthesis(from: end)
        let columns = statement.splitAtTopLevelCommas(end + 1..<close).compactMap { part -> ColumnDefinition? in
            guard let first = statement.word(part.lowerBound) ?? statement.identifier(part.lowerBound) else { return nil }
            if statement.word(part.lowerBound) != nil,
               ["constraint", "check", "unique", "primary", "foreign", "exclude", "like"].contains(first) { return nil }
            return columnDefinition(statement, part)
        }
        return .createTable(name: name, columns: columns)
    }

    private static func createIndex(_ statement: LintStatement, from start: Int) -> RecognizedStatement {
        let concurrently = statement.isWord(start, "concurrently")
        guard let on = statement.topLevelIndices(start..<statement.count).first(where: { statement.isWord($0, "on") }),
              let (table, _) = statement.qualifiedName(at: statement.skipping(["only"], at: on + 1)) else { return .other }
        return .createIndex(table: table, concurrently: concurrently)
    }

    private static func createFunction(_ statement: LintStatement, from start: Int) -> RecognizedStatement {
        guard let (name, end) = statement.qualifiedName(at: start), statement.isSymbol(end, "(") else { return .other }
        let afterParameters = statement.closingParenthesis(from: end) + 1
        for index in statement.topLevelIndices(afterParameters..<statement.count) {
            switch statement.word(index) {
            case "immutable": return .createFunction(name: name, volatility: .immutable)
            case "stable": return .createFunction(name: name, volatility: .stable)
            case "volatile": return .createFunction(name: name, volatility: .volatile)
            default: continue
            }
        }
        return .createFunction(name: name, volatility: .volatile)
    }

    /// A column definition: `name type [COLLATE ...] [constraints...]`.
    static func columnDefinition(_ statement: LintStatement, _ range: Range<Int>) -> ColumnDefinition? {
        guard let name = statement.identifier(range.lowerBound) else { return nil }
        let constraintWords: Set<String> = ["constraint", "not", "null", "default", "primary", "unique", "check", "references",
                                            "generated", "collate", "compression", "deferrable", "initially", "storage"]
        let topLevel = statement.topLevelIndices(range.lowerBound + 1..<range.upperBound)
        let typeEnd = topLevel.first { statement.word($0).map(constraintWords.contains) ?? false } ?? range.upperBound
        let typeRange = range.lowerBound + 1..<typeEnd
        var defaultExpression: Range<Int>?
        var generates: String?
        for index in topLevel where index >= typeEnd {
            switch statement.word(index) {
            case "default":
                let end = topLevel.first { $0 > index + 1 && (statement.word($0).map(constraintWords.contains) ?? false) } ?? range.upperBound
                defaultExpression = index + 1..<end
            case "generated":
                let rest = topLevel.filter { $0 > index }.compactMap { statement.word($0) }
                if rest.contains("identity") { generates = "an identity column" } else if rest.contains("stored") { generates = "a stored generated column" }
            default: break
            }
        }
        return ColumnDefinition(
            name: name, type: ColumnType(statement, typeRange), typeText: statement.text(typeRange), defaultExpression: defaultExpression,
            hasReferences: topLevel.contains { statement.isWord($0, "references") },
            hasCheck: topLevel.contains { statement.isWord($0, "check") },
            generatesValues: generates, line: statement.line(at: range.lowerBound))
    }

    // MARK: ALTER TABLE

    private static func alterTable(_ statement: LintStatement) -> RecognizedStatement? {
        guard statement.isWord(1, "table") else { return nil }
        var index = statement.skipping(["if", "exists"], at: 2)
        index = statement.skipping(["only"], at: index)
        guard let (table, end) = statement.qualifiedName(at: index) else { return nil }
        let start = statement.isSymbol(end, "*") ? end + 1 : end
        let actions = statement.splitAtTopLevelCommas(start..<statement.count).map { alterTableAction(statement, $0) }
        return .alterTable(table: table, actions: actions)
    }

    private static func alterTableAction(_ statement: LintStatement, _ range: Range<Int>) -> AlterTableAction {
        let first = range.lowerBound
        let line = statement.line(at: first)
        switch statement.word(first) {
        case "add":
            var index = statement.skipping(["column"], at: first + 1)
            if let word = statement.word(index), ["constraint", "check", "foreign", "unique", "primary", "exclude"].contains(word),
               index == first + 1 {
                return .addConstraint(tableConstraint(statement, index..<range.upperBound, line: line))
            }
            index = statement.skipping(["if", "not", "exists"], at: index)
            return columnDefinition(statement, index..<range.upperBound).map { .addColumn($0) } ?? .other
        case "alter":
            let index = statement.skipping(["column"], at: first + 1)
            guard let column = statement.identifier(index) else { return .other }
            var next = index + 1
            if statement.hasWords(["set", "data", "type"], at: next) { next += 3 } else if statement.isWord(next, "type") { next += 1 } else {
                return statement.hasWords(["set", "not", "null"], at: next) ? .setNotNull(column: column, line: line) : .other
            }
            let topLevel = statement.topLevelIndices(next..<range.upperBound)
            let using = topLevel.first { statement.isWord($0, "using") }
            let typeEnd = topLevel.first { statement.isWord($0, "using") || statement.isWord($0, "collate") } ?? range.upperBound
            return .alterColumnType(column: column, type: ColumnType(statement, next..<typeEnd), typeText: statement.text(next..<typeEnd),
                                    hasUsing: using != nil, line: line)
        case "drop":
            if statement.isWord(first + 1, "constraint") {
                let index = statement.skipping(["if", "exists"], at: first + 2)
                return statement.identifier(index).map { .dropConstraint(name: $0, line: line) } ?? .other
            }
            let index = statement.skipping(["if", "exists"], at: statement.skipping(["column"], at: first + 1))
            return statement.identifier(index).map { .dropColumn(column: $0, line: line) } ?? .other
        case "rename":
            if statement.isWord(first + 1, "constraint") { return .other }
            if statement.isWord(first + 1, "to") {
                return statement.identifier(first + 2).map { .renameTable(to: $0, line: line) } ?? .other
            }
            let index = statement.skipping(["column"], at: first + 1)
            guard let from = statement.identifier(index), statement.isWord(index + 1, "to"), let to = statement.identifier(index + 2) else { return .other }
            return .renameColumn(from: from, to: to, line: line)
        case "validate":
            guard statement.isWord(first + 1, "constraint"), let name = statement.identifier(first + 2) else { return .other }
            return .validateConstraint(name: name, line: line)
        default:
            return .other
        }
    }

    /// `[CONSTRAINT name] CHECK (...) | FOREIGN KEY (...) REFERENCES ... [NOT VALID]`.
    private static func tableConstraint(_ statement: LintStatement, _ range: Range<Int>, line: Int) -> TableConstraint {
        var index = range.lowerBound
        var name: String?
        if statement.isWord(index, "constraint") {
            name = statement.identifier(index + 1)
            index += 2
        }
        let topLevel = statement.topLevelIndices(index..<range.upperBound)
        let notValid = topLevel.contains { statement.isWord($0, "not") && statement.isWord($0 + 1, "valid") }
        let kind: TableConstraint.Kind
        switch statement.word(index) {
        case "check": kind = .check(notNullColumn: notNullColumn(statement, from: index + 1))
        case "foreign": kind = .foreignKey
        default: kind = .other
        }
        return TableConstraint(name: name, kind: kind, notValid: notValid, line: line)
    }

    /// `column` when the parenthesized expression at `open` is `(column IS NOT NULL)` (in any
    /// number of parentheses).
    private static func notNullColumn(_ statement: LintStatement, from open: Int) -> String? {
        var start = open, end = statement.closingParenthesis(from: open)
        while statement.isSymbol(start, "("), statement.closingParenthesis(from: start) == end {
            start += 1
            end -= 1
        }
        guard end - start == 3, let column = statement.identifier(start), statement.hasWords(["is", "not", "null"], at: start + 1) else { return nil }
        return column
    }

    // MARK: DROP TABLE, VACUUM

    private static func dropTable(_ statement: LintStatement) -> RecognizedStatement? {
        guard statement.isWord(1, "table") else { return nil }
        let start = statement.skipping(["if", "exists"], at: 2)
        let names = statement.splitAtTopLevelCommas(start..<statement.count).compactMap { statement.qualifiedName(at: $0.lowerBound)?.name }
        return .dropTables(names)
    }

    /// `VACUUM FULL ...` or `VACUUM (FULL [true|on|1], ...) ...`.
    private static func vacuumFull(_ statement: LintStatement) -> Bool {
        if statement.isSymbol(1, "(") {
            let close = statement.closingParenthesis(from: 1)
            return statement.splitAtTopLevelCommas(2..<close).contains { option in
                guard statement.isWord(option.lowerBound, "full") else { return false }
                let value = option.count > 1 ? statement.tokens[option.lowerBound + 1].text.lowercased() : "true"
                return !["false", "off", "0"].contains(value)
            }
        }
        var index = 1
        while let word = statement.word(index), ["full", "freeze", "verbose", "analyze", "analyse"].contains(word) {
            if word == "full" { return true }
            index += 1
        }
        return false
    }
}

/// A function's volatility, which decides whether a column default that calls it rewrites
/// the table (PostgreSQL 11+ stores a non-volatile default once, without touching the rows).
enum FunctionVolatility: Equatable {
    case immutable, stable, volatile
}
