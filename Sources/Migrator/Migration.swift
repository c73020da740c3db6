import Foundation

/// One numbered migration from disk: `NNNN_name.up.sql` and an optional `NNNN_name.down.sql`.
///
/// Its identity is its version; its checksum is the SHA-256 of the up file's bytes, so any
/// edit to an applied migration is noticed.
public struct Migration: Sendable, Equatable {
    public let version: Int64
    public let name: String
    public let upSQL: String
    public let downSQL: String?
    /// SHA-256 of the up file's bytes, as hex.
    public let checksum: String
    /// The up file's first line is `-- dbctl:no-transaction`: run it outside a transaction.
    public let runsOutsideTransaction: Bool
    /// The down file's first line is `-- dbctl:no-transaction` (it drops an index concurrently,
    /// say): revert it outside a transaction.
    public let downRunsOutsideTransaction: Bool
    /// The up file's name, for messages.
    public let upFileName: String
    public let downFileName: String?

    public init(version: Int64, name: String, upSQL: String, downSQL: String? = nil,
                upFileName: String? = nil, downFileName: String? = nil) {
        self.version = version
        self.name = name
        self.upSQL = upSQL
        self.downSQL = downSQL
        checksum = SHA256.hex(upSQL.utf8)
        runsOutsideTransaction = Self.isNoTransaction(upSQL)
        downRunsOutsideTransaction = downSQL.map(Self.isNoTransaction) ?? false
        self.upFileName = upFileName ?? Self.label(version: version, name: name) + ".up.sql"
        self.downFileName = downFileName ?? (downSQL == nil ? nil : Self.label(version: version, name: name) + ".down.sql")
    }

    /// Whether the up file has no statements at all (only comments), as a fresh template does.
    public var isEmpty: Bool { !SQLScript(upSQL).hasStatements }

    /// What the file's header says about running it (``MigrationDirectives``); throws
    /// `invalidDirective` naming the line for an unknown directive or a bad value.
    public func directives() throws(MigratorError) -> MigrationDirectives {
        try MigrationDirectives.parse(upSQL, file: upFileName)
    }

    /// How dbctl names this migration everywhere, in text and in JSON: `0003_add_tags`.
    public var label: String { Self.label(version: version, name: name) }

    /// `0003_add_tags` for version 3 named `add_tags`: the version in at least four digits, as
    /// in the file names.
    public static func label(version: Int64, name: String) -> String {
        String(format: "%04lld", version) + "_" + name
    }

    /// The statements of the down file that destroy stored rows (see ``DestructiveStatement``).
    public var destructiveDownStatements: [DestructiveStatement] {
        guard let downSQL else { return [] }
        return DestructiveStatement.find(in: downSQL, file: downFileName ?? upFileName)
    }

    /// The marker on a migration's first line that runs it outside a transaction.
    public static let noTransactionMarker = "-- dbctl:no-transaction"

    static func isNoTransaction(_ sql: String) -> Bool {
        let firstLine = sql.utf8.prefix { $0 != UInt8(ascii: "\n") }
        guard firstLine.count <= 200 else { return false }
        return String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased() == noTransactionMarker
    }
}
