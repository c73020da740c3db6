/// Progress the migrator reports while it works, for dbctl to print.
public enum MigratorEvent: Sendable {
    /// Another process holds the migration lock; waiting for it.
    case waitingForLock
    case acquiredLock
    case applying(Migration)
    case applied(Migration, milliseconds: Int64)
    /// A pending migration with no statements (an unedited template) was left pending.
    case skippedEmpty(Migration)
    case reverting(MigrationRecord)
    case reverted(MigrationRecord)
}
