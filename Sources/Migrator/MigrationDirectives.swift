import PGKit

/// What a migration file says about how to run it, in `-- dbctl:` comments.
///
/// File directives go in the comment lines at the top of the file, before any statement;
/// `-- dbctl:no-transaction` must be the very first line (as it always had to be):
///
/// ```sql
/// -- dbctl:no-transaction
/// -- dbctl:lock-timeout 10s
/// -- dbctl:statement-timeout 30min
/// CREATE INDEX CONCURRENTLY messages_flagged ON messages (flagged);
/// ```
///
/// `-- dbctl:lint-ignore RULE reason` goes on the line before a statement, or on one of its
/// lines, and silences one lint rule for it (``MigrationLinter``). Any other `dbctl:` name, or
/// a value that is not a duration, is an error before anything runs.
public struct MigrationDirectives: Sendable, Equatable {
    /// `-- dbctl:no-transaction`: the statements run one by one, outside a transaction.
    public var runsOutsideTransaction = false
    /// `-- dbctl:lock-timeout 10s` (`off`: no limit): this file's statements' `lock_timeout`.
    public var lockTimeout: Duration?
    /// `-- dbctl:statement-timeout 5min` (`off`: no limit): its statements' `statement_timeout`.
    public var statementTimeout: Duration?

    public init(runsOutsideTransaction: Bool = false, lockTimeout: Duration? = nil, statementTimeout: Duration? = nil) {
        self.runsOutsideTransaction = runsOutsideTransaction
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
    }

    /// The directive names dbctl knows.
    public enum Name: String, CaseIterable, Sendable {
        case noTransaction = "no-transaction"
        case lockTimeout = "lock-timeout"
        case statementTimeout = "statement-timeout"
        case lintIgnore = "lint-ignore"

        /// Whether it applies to the whole file (and so belongs in the header).
        var isFileWide: Bool { self != .lintIgnore }
    }

    /// A `-- dbctl:NAME arguments` comment, as written.
    struct Directive: Equatable {
        /// The name, lowercased (maybe not one of ``Name``).
        let name: String
        let arguments: String
        let line: Int
    }

    /// The directives in the header of `sql` (its comment lines before the first statement).
    public static func parse(_ sql: String, file: String) throws(MigratorError) -> MigrationDirectives {
        var directives = MigrationDirectives()
        var seen: Set<Name> = []
        for directive in header(sql).directives {
            guard let name = Name(rawValue: directive.name) else {
                throw .invalidDirective(file: file, line: directive.line, reason: unknownNameReason(directive.name))
            }
            guard name.isFileWide else { continue }
            guard seen.insert(name).inserted else {
                throw .invalidDirective(file: file, line: directive.line, reason: "dbctl:\(name.rawValue) is given twice")
            }
            if let problem = problem(with: directive, isFirstLineMarker: directive.line == 1 && Migration.isNoTransaction(sql)) {
                throw .invalidDirective(file: file, line: directive.line, reason: problem)
            }
            switch name {
            case .noTransaction: directives.runsOutsideTransaction = true
            case .lockTimeout: directives.lockTimeout = duration(directive.arguments)
            case .statementTimeout: directives.statementTimeout = duration(directive.arguments)
            case .lintIgnore: break
            }
        }
        return directives
    }

    /// The directive a `--` comment holds, if it holds one: `text` is the comment from its `--`.
    static func directive(inComment text: Substring, line: Int) -> Directive? {
        var rest = text.dropFirst(2).drop { $0 == " " || $0 == "\t" }
        guard rest.lowercased().hasPrefix("dbctl:") else { return nil }
        rest = rest.dropFirst(6)
        let name = rest.prefix { !$0.isWhitespace }
        let arguments = rest.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        return Directive(name: name.lowercased(), arguments: arguments, line: line)
    }

    /// What is wrong with a file directive's value or form, or nil. `isFirstLineMarker`: the
    /// file's first line is exactly the no-transaction marker.
    static func problem(with directive: Directive, isFirstLineMarker: Bool) -> String? {
        switch Name(rawValue: directive.name) {
        case .noTransaction:
            if directive.line != 1 { return "dbctl:no-transaction must be the file's first line" }
            if !isFirstLineMarker { return "write the first line exactly as \(Migration.noTransactionMarker)" }
            return nil
        case .lockTimeout, .statementTimeout:
            return duration(directive.arguments) == nil
                ? "dbctl:\(directive.name) takes a duration such as 10s, 500ms or 2min, or off (not \"\(directive.arguments)\")" : nil
        case .lintIgnore, nil:
            return nil
        }
    }

    static func unknownNameReason(_ name: String) -> String {
        "unknown directive dbctl:\(name) (dbctl knows \(Name.allCases.map { "dbctl:\($0.rawValue)" }.joined(separator: ", ")))"
    }

    /// `off` and `0` are `.zero` (no limit); otherwise a duration with its unit.
    static func duration(_ text: String) -> Duration? {
        ["off", "0"].contains(text.lowercased()) ? .zero : PGDurationText.parse(text)
    }

    /// The `-- dbctl:` comments at the top of `sql`, and the line where the header ends: the
    /// first line that holds anything but white space and `--` comments (or one past the end).
    static func header(_ sql: String) -> (directives: [Directive], endLine: Int) {
        var directives: [Directive] = []
        var line = 0
        // Line by line over the scalars (a CRLF is one Character, but two scalars), lazily:
        // the header ends at the first statement, however large the file.
        let scalars = sql.unicodeScalars
        var start = scalars.startIndex
        while start < scalars.endIndex {
            line += 1
            let end = scalars[start...].firstIndex(of: "\n") ?? scalars.endIndex
            let trimmed = Substring(scalars[start..<end]).drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            start = end == scalars.endIndex ? end : scalars.index(after: end)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("--") else { return (directives, line) }
            if let directive = directive(inComment: trimmed, line: line) { directives.append(directive) }
        }
        return (directives, line + 1)
    }
}
