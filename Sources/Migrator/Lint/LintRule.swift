/// One check the migration lint makes: a recognizer over a statement (its tokens and what
/// ``RecognizedStatement`` made of them) that reports the operations that lock or rewrite a
/// busy table, each with the safe way to do it.
///
/// The rules are values, listed in ``all``; ``MigrationLinter`` runs them over the pending
/// migrations. A finding is silenced by `-- dbctl:lint-ignore RULE reason` on the line before
/// the statement or on one of its lines.
public struct LintRule: Sendable {
    /// The name findings and `lint-ignore` comments use: `index-not-concurrent`.
    public let id: String
    /// What it catches, in one sentence.
    public let summary: String
    /// The safe way to do it.
    public let safeAlternative: String
    let check: @Sendable (LintStatement, RecognizedStatement, LintContext) -> [Violation]

    /// A rule's report on one statement: where, what, and (when more specific than the rule's
    /// `safeAlternative`) what to do instead.
    struct Violation {
        let line: Int
        let message: String
        var instead: String?
    }

    init(id: String, summary: String, safeAlternative: String,
         check: @escaping @Sendable (LintStatement, RecognizedStatement, LintContext) -> [Violation]) {
        self.id = id
        self.summary = summary
        self.safeAlternative = safeAlternative
        self.check = check
    }

    /// Every rule, in the order findings are reported.
    public static let all: [LintRule] = [
        .indexNotConcurrent, .concurrentlyInTransaction, .columnTypeRewrite, .setNotNull, .constraintNotValid,
        .volatileDefault, .vacuumFullOrCluster, .renameReadByCode, .dropReadByCode,
    ]

    /// The pseudo-rule of findings about `-- dbctl:` comments themselves (unknown names,
    /// misplaced file directives, ignores without a reason or that silence nothing).
    public static let directiveRuleID = "directive"
}

/// What a rule sees besides the statement: the file, what earlier statements made, and what
/// the app's code reads.
struct LintContext {
    let file: String
    let runsOutsideTransaction: Bool
    let facts: SchemaFacts
    let codeReads: CodeReadSchema

    /// Whether `table` was created earlier in this file: new, empty and read by nobody, so
    /// locking or rewriting it harms no one.
    func isNew(_ table: String) -> Bool { facts.tablesCreatedInFile.contains(table) }
}

/// One problem the lint found: where, which rule, what, and the safe way.
public struct LintFinding: Sendable, Equatable, Codable {
    public let file: String
    public let line: Int
    public let rule: String
    public let message: String
    public let instead: String

    public init(file: String, line: Int, rule: String, message: String, instead: String) {
        self.file = file
        self.line = line
        self.rule = rule
        self.message = message
        self.instead = instead
    }
}
