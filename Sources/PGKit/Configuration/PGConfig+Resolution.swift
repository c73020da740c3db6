import Foundation

/// Where a resolved configuration came from, for messages such as "using DATABASE_URL from .env".
public enum PGConfigSource: Sendable, Equatable, CustomStringConvertible {
    case explicit
    case environment
    case dotEnvFile(path: String)
    case localCluster

    public var description: String {
        switch self {
        case .explicit: return "the given database URL"
        case .environment: return "DATABASE_URL in the environment"
        case .dotEnvFile(let path): return "DATABASE_URL in \(path)"
        case .localCluster: return "the embedded local cluster"
        }
    }
}

extension PGConfig {
    /// Finds the configuration the way every PGKit tool does: an explicit value, then
    /// `DATABASE_URL` in the environment, then `DATABASE_URL` in `.env` in `directory` (read as
    /// ``DotEnvFile`` reads it; the last assignment wins).
    ///
    /// Returns nil only when none of the three is set. A `.env` that exists but cannot be read
    /// or parsed (permissions, not a file, not UTF-8, a NUL byte, a malformed line) throws
    /// `.invalidConfiguration` naming the file and line: it never counts as "not set", so a
    /// broken `.env` cannot send work to another database.
    public static func resolve(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = FileManager.default.currentDirectoryPath
    ) throws(PGError) -> (config: PGConfig, source: PGConfigSource)? {
        if let explicit, !explicit.isEmpty { return (try PGConfig(explicit), .explicit) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return (try PGConfig(url), .environment) }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(".env").path
        let file: DotEnvFile?
        do {
            file = try DotEnvFile.load(path: path)
        } catch {
            throw PGError(.invalidConfiguration, "\(error); fix or remove it (nothing falls back to another database while it is broken)")
        }
        guard let file, let url = file["DATABASE_URL"], !url.isEmpty else { return nil }
        do {
            return (try PGConfig(url), .dotEnvFile(path: ".env"))
        } catch {
            let line = file.lines(of: "DATABASE_URL").last.map { ":\($0)" } ?? ""
            throw PGError(.invalidConfiguration, "DATABASE_URL in \(path)\(line): \(error.message)")
        }
    }
}
