/// What `dbctl down` would revert, computed from the history and the files before anything
/// changes: the newest applied migrations, newest first, each with its down file.
///
/// ```swift
/// let plan = try await migrator.planRevert(steps: 2)
/// if plan.destructiveStatements.isEmpty || userConfirmed { try await migrator.revert(plan) }
/// ```
public struct RevertPlan: Sendable, Equatable {
    /// One migration to revert.
    public struct Step: Sendable, Equatable {
        public let record: MigrationRecord
        public let migration: Migration
    }

    /// Newest first.
    public let steps: [Step]

    /// The plan for reverting `count` migrations. Refuses, as a typed error, when fewer are
    /// applied (``MigratorError/tooManySteps(requested:applied:)``), when a down file is
    /// missing, and when a migration to revert was edited or renamed since it was applied.
    public init(migrations: [Migration], applied: [MigrationRecord], count: Int) throws(MigratorError) {
        guard !applied.isEmpty else { throw .nothingToRevert }
        let newestFirst = Array(applied.sorted { $0.version > $1.version })
        guard count <= newestFirst.count else { throw .tooManySteps(requested: count, applied: newestFirst.map(\.label)) }
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        var steps: [Step] = []
        for record in newestFirst.prefix(max(0, count)) {
            guard let migration = byVersion[record.version], migration.downSQL != nil else {
                throw .downFileMissing(version: record.version, name: record.name)
            }
            let entry = MigrationPlan.Entry(migration: migration, record: record, highestApplied: record.version)
            guard entry.status == .applied else { throw .drift([entry]) }
            steps.append(Step(record: record, migration: migration))
        }
        self.steps = steps
    }

    /// The statements in the down files that destroy stored rows, in the order they would run.
    public var destructiveStatements: [DestructiveStatement] { steps.flatMap(\.migration.destructiveDownStatements) }
}
