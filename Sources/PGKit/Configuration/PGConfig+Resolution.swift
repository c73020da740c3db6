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
    /// `DATABASE_URL` in the environment, then `DATABASE_URL` in `.env` in `directory`.
    /// Returns nil when none is set (callers then fall back to the embedded local cluster).
    public static func resolve(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = FileManager.default.currentDirectoryPath
    ) throws(PGError) -> (config: PGConfig, source: PGConfigSource)? {
        if let explicit, !explicit.isEmpty { return (try PGConfig(explicit), .explicit) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return (try PGConfig(url), .environment) }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(".env").path
        if let contents = try? String(contentsOfFile: path, encoding: .utf8),
           let url = DotEnvFile.value(of: "DATABASE_URL", in: contents), !url.isEmpty {
            return (try PGConfig(url), .dotEnvFile(path: ".env"))
        }
        return nil
    }
}

/// The `.env` format the seeds use: `KEY=value` lines, optional `export`, quotes and comments.
enum DotEnvFile {
    static func value(of key: String, in contents: String) -> String? {
        var found: String?
        for rawLine in contents.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            guard line[..<equals].trimmingCharacters(in: .whitespaces) == key else { continue }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            found = value
        }
        return found
    }
}
