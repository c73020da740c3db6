import Foundation

/// The `migrations/` folder: reads and validates migration files, and writes new ones.
public struct MigrationDirectory: Sendable {
    public let url: URL

    public init(path: String) { url = URL(fileURLWithPath: path) }

    /// Every migration, in version order. Files that do not follow the naming scheme, two
    /// migrations with one version, down files without an up file, and files holding a NUL
    /// byte or bytes that are not UTF-8 (named by line) are errors, before anything runs.
    public func load() throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw MigratorError.migrationsDirectoryMissing(path: url.path)
        }
        var ups: [Int64: (name: String, file: String)] = [:]
        var downs: [Int64: (name: String, file: String)] = [:]
        for file in names.sorted() where file.hasSuffix(".sql") {
            guard let parsed = Self.parseFileName(file) else {
                throw MigratorError.invalidFileName(file)
            }
            if parsed.isUp {
                if let existing = ups[parsed.version] { throw MigratorError.duplicateVersion(parsed.version, existing.file, file) }
                ups[parsed.version] = (parsed.name, file)
            } else {
                if let existing = downs[parsed.version] { throw MigratorError.duplicateVersion(parsed.version, existing.file, file) }
                downs[parsed.version] = (parsed.name, file)
            }
        }
        for (version, down) in downs where ups[version] == nil {
            throw MigratorError.downWithoutUp(down.file)
        }
        return try ups.keys.sorted().map { version in
            let up = ups[version]!
            let upSQL = try MigrationFileReader.read(url.appendingPathComponent(up.file), name: up.file)
            let downSQL = try downs[version].map { try MigrationFileReader.read(url.appendingPathComponent($0.file), name: $0.file) }
            return Migration(version: version, name: up.name, upSQL: upSQL, downSQL: downSQL,
                             upFileName: up.file, downFileName: downs[version]?.file)
        }
    }

    /// `0007_add_index.up.sql` gives (7, "add_index", up).
    static func parseFileName(_ file: String) -> (version: Int64, name: String, isUp: Bool)? {
        let isUp = file.hasSuffix(".up.sql")
        guard isUp || file.hasSuffix(".down.sql") else { return nil }
        let stem = file.dropLast(isUp ? 7 : 9)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = String(stem[stem.index(after: underscore)...])
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let version = Int64(digits), !name.isEmpty else { return nil }
        return (version, name, isUp)
    }

    /// Creates `NNNN_name.up.sql` and `NNNN_name.down.sql` with the next version number and
    /// returns their URLs.
    public func createMigration(named rawName: String) throws -> (up: URL, down: URL) {
        let name = rawName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce(into: "") { $0.append($1) }
        guard !name.isEmpty, name.contains(where: { $0.isLetter || $0.isNumber }) else { throw MigratorError.invalidMigrationName(rawName) }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let next = ((try? load())?.last?.version ?? 0) + 1
        let stem = String(format: "%04lld_%@", next, name)
        let up = url.appendingPathComponent("\(stem).up.sql")
        let down = url.appendingPathComponent("\(stem).down.sql")
        try """
            -- \(stem): write the change here. It runs in one transaction with its history row.
            -- For CREATE INDEX CONCURRENTLY, which cannot run in a transaction, make the first
            -- line of this file the marker "dbctl:no-transaction" written as a SQL comment.

            """.write(to: up, atomically: true, encoding: .utf8)
        try """
            -- \(stem): undo the change made by \(stem).up.sql (used by `dbctl down`).

            """.write(to: down, atomically: true, encoding: .utf8)
        return (up, down)
    }
}
