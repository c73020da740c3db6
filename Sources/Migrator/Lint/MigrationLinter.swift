import PGKit

/// Checks migrations for operations that lock or rewrite a busy table (``LintRule/all``), each
/// finding with file, line, rule and the safe alternative.
///
/// It reads every migration in order, the applied ones included, to know what earlier ones
/// made (column types, validated checks, functions; ``SchemaFacts``), and reports only on the
/// `targets` (the pending ones, for `dbctl deploy`). Statements are read one at a time, so a
/// large file costs its largest statement, and a data statement (`INSERT`, `COPY`...) only its
/// first token.
///
/// ```swift
/// let migrations = try MigrationDirectory(path: "migrations").load()
/// let findings = MigrationLinter().lint(migrations, targets: [4, 5])
/// for finding in findings { print("\(finding.file):\(finding.line): [\(finding.rule)] \(finding.message)") }
/// ```
///
/// `-- dbctl:lint-ignore RULE reason` on the line before a statement, or on one of its lines,
/// silences that rule for it; without a reason it is not honoured. What the recognizer cannot
/// see: SQL inside strings (`DO` blocks, function bodies, `EXECUTE`), and the state of the
/// database beyond what the migrations wrote (a constraint validated by hand, a table's size).
public struct MigrationLinter: Sendable {
    public var codeReads: CodeReadSchema
    public var rules: [LintRule]

    public init(codeReads: CodeReadSchema = CodeReadSchema(), rules: [LintRule] = LintRule.all) {
        self.codeReads = codeReads
        self.rules = rules
    }

    /// The findings in the migrations whose versions are in `targets`, reading all of
    /// `migrations` (in version order) for what the earlier ones made.
    public func lint(_ migrations: [Migration], targets: Set<Int64>) -> [LintFinding] {
        var facts = SchemaFacts()
        var findings: [LintFinding] = []
        for migration in migrations {
            facts.beginFile()
            if targets.contains(migration.version) {
                var file = FileLint(linter: self, migration: migration)
                file.run(facts: &facts)
                findings += file.findings
            } else {
                for statement in SQLScript(migration.upSQL) {
                    let scanned = ScannedStatement(statement)
                    if scanned.isComplete { facts.record(RecognizedStatement(scanned.statement)) }
                }
            }
        }
        return findings
    }
}

/// A statement as the lint reads it: all its tokens when it starts with a word the rules look
/// at (else only the first), its `--` comments with their lines, and its first and last lines.
struct ScannedStatement {
    struct Comment {
        let line: Int
        let text: String
    }

    let statement: LintStatement
    let isComplete: Bool
    let comments: [Comment]

    /// Reads a statement of a script.
    init(_ statement: SQLScript.Statement) {
        self.init(statement.sql, firstLine: statement.textLine, endLine: statement.endLine)
    }

    /// Reads `sql`, whose first byte is on `firstLine` and last on `endLine` (nil: count them);
    /// `readingAll` reads every token whatever the statement.
    init(_ sql: String, firstLine: Int, endLine: Int? = nil, readingAll: Bool = false) {
        // A data statement of megabytes needs its first token only: read a prefix first, and
        // all of it only when that token is a word the rules look at (or is not in the prefix).
        let prefixLength = 1024
        if !readingAll, let endLine, sql.utf8.count > prefixLength {
            let head = Reading(String(decoding: sql.utf8.prefix(prefixLength), as: UTF8.self), firstLine: firstLine, readingAll: false)
            if !head.complete, let end = head.firstTokenEnd, end < prefixLength - 1 {
                self.init(head, endLine: endLine)
                return
            }
        }
        let reading = Reading(sql, firstLine: firstLine, readingAll: readingAll)
        self.init(reading, endLine: endLine ?? reading.endLine)
    }

    private init(_ reading: Reading, endLine: Int) {
        statement = LintStatement(tokens: reading.tokens, line: reading.tokens.first?.line ?? endLine, endLine: endLine)
        isComplete = reading.complete && !reading.tokens.isEmpty
        comments = reading.comments
    }

    /// The tokens and comments of a text, up to its first token unless that starts a statement
    /// the rules look at (or `readingAll`).
    private struct Reading {
        var tokens: [LintStatement.Token] = []
        var comments: [Comment] = []
        var complete = true
        var firstTokenEnd: Int?
        var endLine: Int

        init(_ sql: String, firstLine: Int, readingAll: Bool) {
            var tokenizer = SQLTokenizer(sql, keepingLineComments: true)
            var lines = LineCounter(sql, firstLine: firstLine)
            var comments: [Comment] = []
            func takeComments() {
                while comments.count < tokenizer.lineComments.count {
                    let range = tokenizer.lineComments[comments.count]
                    comments.append(Comment(line: lines.line(at: range.lowerBound), text: tokenizer.text(range)))
                }
            }
            while let kind = tokenizer.next() {
                takeComments()
                tokens.append(.init(kind: kind, line: lines.line(at: tokenizer.tokenRange.lowerBound), text: tokenizer.text(tokenizer.tokenRange)))
                guard tokens.count == 1, !readingAll else { continue }
                firstTokenEnd = tokenizer.tokenRange.upperBound
                guard case .word(let word) = kind, RecognizedStatement.firstWords.contains(word) else {
                    complete = false
                    break
                }
            }
            takeComments()
            self.comments = comments
            endLine = lines.line(at: sql.utf8.count)
        }
    }
}

/// Linting one file: its statements in order, each checked once the next one has shown
/// whether a comment at the end of its last line is about it.
private struct FileLint {
    let linter: MigrationLinter
    let migration: Migration
    private(set) var findings: [LintFinding] = []
    private let headerEnd: Int

    /// A `lint-ignore` comment and whether it silenced something.
    private struct Ignore {
        let rule: String
        let reason: String
        let line: Int
        var used = false
    }

    private struct Waiting {
        let scanned: ScannedStatement
        var ignores: [Ignore] = []
    }

    init(linter: MigrationLinter, migration: Migration) {
        self.linter = linter
        self.migration = migration
        headerEnd = MigrationDirectives.header(migration.upSQL).endLine
    }

    mutating func run(facts: inout SchemaFacts) {
        var previous: Waiting?
        var end = 0
        for statement in SQLScript(migration.upSQL) {
            var current = Waiting(scanned: ScannedStatement(statement))
            for comment in current.scanned.comments {
                guard let ignore = directive(in: comment) else { continue }
                if comment.line < current.scanned.statement.line, previous?.scanned.statement.endLine == comment.line {
                    previous!.ignores.append(ignore)
                } else {
                    current.ignores.append(ignore)
                }
            }
            if let previous { check(previous, facts: &facts) }
            previous = current
            end = statement.bytes.upperBound
        }
        // Comments after the last statement: one on its last line is about it.
        let tail = migration.upSQL.utf8.count > end ? String(decoding: Array(migration.upSQL.utf8.dropFirst(end)), as: UTF8.self) : ""
        for comment in ScannedStatement(tail, firstLine: previous?.scanned.statement.endLine ?? 1, readingAll: true).comments {
            guard let ignore = directive(in: comment) else { continue }
            if previous?.scanned.statement.endLine == comment.line {
                previous!.ignores.append(ignore)
            } else {
                report(line: comment.line, "lint-ignore \(ignore.rule) is not before or on a statement: it silences nothing")
            }
        }
        if let previous { check(previous, facts: &facts) }
    }

    /// Runs the rules on a statement, applies its ignores, and records what it made.
    private mutating func check(_ waiting: Waiting, facts: inout SchemaFacts) {
        var ignores = waiting.ignores
        let scanned = waiting.scanned
        let recognized = scanned.isComplete ? RecognizedStatement(scanned.statement) : .other
        if scanned.isComplete {
            let context = LintContext(file: migration.upFileName, runsOutsideTransaction: migration.runsOutsideTransaction,
                                      facts: facts, codeReads: linter.codeReads)
            for rule in linter.rules {
                for violation in rule.check(scanned.statement, recognized, context) {
                    if let index = ignores.firstIndex(where: { $0.rule == rule.id && !$0.reason.isEmpty }) {
                        ignores[index].used = true
                        continue
                    }
                    var message = violation.message
                    if let index = ignores.firstIndex(where: { $0.rule == rule.id }) {
                        ignores[index].used = true
                        message += " (the lint-ignore on line \(ignores[index].line) is not honoured: it needs a reason)"
                    }
                    findings.append(LintFinding(file: migration.upFileName, line: violation.line, rule: rule.id, message: message,
                                                instead: violation.instead ?? rule.safeAlternative))
                }
            }
        }
        for ignore in ignores where !ignore.used {
            report(line: ignore.line, "lint-ignore \(ignore.rule) silences nothing: the statement on line \(scanned.statement.line) "
                + "does not trip \(ignore.rule)" + (ignore.reason.isEmpty ? " (and an ignore needs a reason)" : ""))
        }
        facts.record(recognized)
    }

    /// The `lint-ignore` a comment holds; reports what is wrong with any other directive there.
    private mutating func directive(in comment: ScannedStatement.Comment) -> Ignore? {
        guard let directive = MigrationDirectives.directive(inComment: comment.text[...], line: comment.line) else { return nil }
        guard let name = MigrationDirectives.Name(rawValue: directive.name) else {
            report(line: comment.line, MigrationDirectives.unknownNameReason(directive.name))
            return nil
        }
        guard name == .lintIgnore else {
            if comment.line >= headerEnd {
                report(line: comment.line, "dbctl:\(name.rawValue) applies to the whole file, so it belongs in the comment lines at "
                    + "the top of the file, before anything else; here it does nothing")
            } else if let problem = MigrationDirectives.problem(with: directive, isFirstLineMarker: comment.line == 1 && migration.runsOutsideTransaction) {
                report(line: comment.line, problem)
            }
            return nil
        }
        let rule = String(directive.arguments.prefix { !$0.isWhitespace })
        guard !rule.isEmpty, linter.rules.contains(where: { $0.id == rule }) || LintRule.all.contains(where: { $0.id == rule }) else {
            report(line: comment.line, "lint-ignore needs a rule: one of \(LintRule.all.map(\.id).joined(separator: ", "))"
                + (rule.isEmpty ? "" : " (not \(rule))"))
            return nil
        }
        let reason = directive.arguments.dropFirst(rule.count).trimmingCharacters(in: .whitespaces)
        return Ignore(rule: rule, reason: reason, line: comment.line)
    }

    private mutating func report(line: Int, _ message: String) {
        findings.append(LintFinding(
            file: migration.upFileName, line: line, rule: LintRule.directiveRuleID, message: message,
            instead: "Write -- dbctl:lint-ignore RULE reason next to the statement, and file directives (no-transaction, "
                + "lock-timeout, statement-timeout) in the comment lines at the top of the file."))
    }
}
