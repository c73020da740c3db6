import Foundation

/// The comparison of the migrations on disk with those the database has applied, computed as
/// data before anything runs: `status` prints it, `deploy` refuses on its drift and applies its
/// pending entries.
public struct MigrationPlan: Sendable {
    public enum Status: String, Sendable, Codable {
        /// Applied, and the file is unchanged.
        case applied
        /// On disk, not applied yet.
        case pending
        /// Applied, but the file's checksum differs from when it was applied.
        case changed
        /// Applied under another name: the file with this version now has a different name
        /// (a migration renamed, or a new one given a number already used).
        case renamed
        /// Applied, but the file is gone.
        case missing
        /// Not applied, but numbered below an applied migration.
        case outOfOrder = "out-of-order"

        /// Whether this entry stops `deploy`.
        public var isDrift: Bool { self == .changed || self == .renamed || self == .missing || self == .outOfOrder }
    }

    public struct Entry: Sendable {
        public let version: Int64
        /// The name on disk, or the applied name when the file is missing.
        public let name: String
        public let status: Status
        public let appliedAt: Date?
        /// The name the history records, when it is applied.
        public let appliedName: String?
        /// The migration on disk, when there is one.
        public let migration: Migration?

        /// `0003_add_tags`, as ``Migration/label`` names it.
        public var label: String { Migration.label(version: version, name: name) }

        /// What the status means for this migration, in a sentence.
        public var explanation: String {
            switch status {
            case .applied: return "applied"
            case .pending: return "pending"
            case .changed: return "the file changed after it was applied (checksum differs)"
            case .renamed:
                let advice = sameContents ? "the same contents under a new name: rename the file back"
                    : "a different migration with a number already in use: give it the next free number"
                return "version \(String(format: "%04lld", version)) is applied as \(appliedName ?? "?"), but the file now is \(name) (\(advice))"
            case .missing: return "applied, but its file is missing"
            case .outOfOrder: return "pending, but numbered below an applied migration"
            }
        }

        private let sameContents: Bool

        /// The entry for `migration` given the history's record of its version, if any.
        init(migration: Migration, record: MigrationRecord?, highestApplied: Int64) {
            version = migration.version
            name = migration.name
            self.migration = migration
            appliedAt = record?.appliedAt
            appliedName = record?.name
            sameContents = record?.checksum == migration.checksum
            if let record {
                status = record.name != migration.name ? .renamed : (sameContents ? .applied : .changed)
            } else {
                status = migration.version < highestApplied ? .outOfOrder : .pending
            }
        }

        /// The entry for an applied migration whose file is gone.
        init(missing record: MigrationRecord) {
            version = record.version
            name = record.name
            status = .missing
            appliedAt = record.appliedAt
            appliedName = record.name
            migration = nil
            sameContents = false
        }
    }

    public let entries: [Entry]

    public init(migrations: [Migration], applied: [MigrationRecord]) {
        let appliedByVersion = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0) })
        let highestApplied = applied.map(\.version).max() ?? Int64.min
        var entries = migrations.map { Entry(migration: $0, record: appliedByVersion[$0.version], highestApplied: highestApplied) }
        let onDisk = Set(migrations.map(\.version))
        for record in applied where !onDisk.contains(record.version) {
            entries.append(Entry(missing: record))
        }
        self.entries = entries.sorted { $0.version < $1.version }
    }

    public var pending: [Migration] { entries.filter { $0.status == .pending }.compactMap(\.migration) }
    public var drift: [Entry] { entries.filter { $0.status.isDrift } }
    public var isUpToDate: Bool { entries.allSatisfy { $0.status == .applied } }
}
