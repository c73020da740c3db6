import Foundation

/// Where the PostgreSQL server programs (`initdb`, `pg_ctl`) are: `$PG_BIN`, Debian's
/// `/usr/lib/postgresql/<major>/bin` (newest first), or the directory of `pg_config --bindir`.
public struct PostgresBinaries: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Finds the binaries, or explains how to install them.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        var candidates: [URL] = []
        if let explicit = environment["PG_BIN"] { candidates.append(URL(fileURLWithPath: explicit)) }
        let debianRoot = URL(fileURLWithPath: "/usr/lib/postgresql")
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: debianRoot.path) {
            for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                candidates.append(debianRoot.appendingPathComponent(version).appendingPathComponent("bin"))
            }
        }
        for path in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(URL(fileURLWithPath: String(path)))
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("pg_ctl").path) {
            return PostgresBinaries(directory: candidate)
        }
        throw LocalClusterError.serverNotInstalled
    }

    func path(_ program: String) -> String { directory.appendingPathComponent(program).path }
}
