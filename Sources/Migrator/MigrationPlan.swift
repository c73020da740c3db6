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
        /// Applied, but the file is gone.
        case missing
        /// Not applied, but numbered below an applied migration.
        case outOfOrder = "out-of-order"

        var explanation: String {
            switch self {
            case .applied: return "applied"
            case .pending: return "pending"
            case .changed: return "the file changed after it was applied (checksum differs)"
            case .missing: return "applied, but its file is missing"
            case .outOfOrder: return "pending, but numbered below an applied migration"
            }
        }

        /// Whether this entry stops `deploy`.
        public var isDrift: Bool { self == .changed || self == .missing || self == .outOfOrder }
    }

    public struct Entry: Sendable {
        public let version: Int64
        public let name: String
        public let status: Status
        public let appliedAt: Date?
        /// The migration on disk, when there is one.
        public let migration: Migration?
    }

    public let entries: [Entry]

    public init(migrations: [Migration], applied: [MigrationRecord]) {
        let appliedByVersion = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0) })
        let highestApplied = applied.map(\.version).max() ?? Int64.min
        var entries: [Entry] = []
        for migration in migrations {
            if let record = appliedByVersion[migration.version] {
                let status: Status = record.checksum == migration.checksum ? .applied : .changed
                entries.append(Entry(version: migration.version, name: migration.name, status: status, appliedAt: record.appliedAt, migration: migration))
            } else {
                let status: Status = migration.version < highestApplied ? .outOfOrder : .pending
                entries.append(Entry(version: migration.version, name: migration.name, status: status, appliedAt: nil, migration: migration))
            }
        }
        let onDisk = Set(migrations.map(\.version))
        for record in applied where !onDisk.contains(record.version) {
            entries.append(Entry(version: record.version, name: record.name, status: .missing, appliedAt: record.appliedAt, migration: nil))
        }
        self.entries = entries.sorted { $0.version < $1.version }
    }

    public var pending: [Migration] { entries.filter { $0.status == .pending }.compactMap(\.migration) }
    public var drift: [Entry] { entries.filter { $0.status.isDrift } }
    public var isUpToDate: Bool { entries.allSatisfy { $0.status == .applied } }
}
