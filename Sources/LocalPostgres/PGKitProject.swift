import Foundation

/// A project that uses PGKit: its root directory and its committed configuration,
/// `pgkit.json`, which `dbctl init` writes. Found like git finds a repository: from the working
/// directory upwards, the first directory holding `pgkit.json` (or, failing that, the first
/// holding `Package.swift`), so dbctl and the app use the same migrations, `.env` and local
/// cluster from any subdirectory.
///
/// ```json
/// {
///   "migrations": "migrations",
///   "models": { "directory": "Sources/App/Generated", "module": "App" },
///   "schema": "public"
/// }
/// ```
public struct PGKitProject: Sendable, Equatable {
    /// The file name of the configuration.
    public static let fileName = "pgkit.json"

    /// What `pgkit.json` says; every field has a default.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Where the migrations are, relative to the root.
        public var migrations: String
        /// Where `dbctl generate` writes the models of the project's own tables, and the Swift
        /// module they belong to. Absent: the chat models of PGKit's own package.
        public var models: Models?
        /// The schema dbctl migrates and generates from.
        public var schema: String
        /// Where checked queries (`.sql` files) live.
        public var queries: String?

        /// Generated models' place.
        public struct Models: Codable, Sendable, Equatable {
            public var directory: String
            public var module: String
            public init(directory: String, module: String) {
                self.directory = directory
                self.module = module
            }
        }

        public init(migrations: String = "migrations", models: Models? = nil, schema: String = "public", queries: String? = nil) {
            self.migrations = migrations
            self.models = models
            self.schema = schema
            self.queries = queries
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            migrations = try container.decodeIfPresent(String.self, forKey: .migrations) ?? "migrations"
            models = try container.decodeIfPresent(Models.self, forKey: .models)
            schema = try container.decodeIfPresent(String.self, forKey: .schema) ?? "public"
            queries = try container.decodeIfPresent(String.self, forKey: .queries)
        }
    }

    /// The project's root directory.
    public let root: URL
    public let configuration: Configuration
    /// Whether `pgkit.json` exists (rather than defaults for a directory with `Package.swift`,
    /// or the working directory itself).
    public let hasConfigurationFile: Bool

    public init(root: URL, configuration: Configuration = Configuration(), hasConfigurationFile: Bool = false) {
        self.root = root.standardizedFileURL
        self.configuration = configuration
        self.hasConfigurationFile = hasConfigurationFile
    }

    /// The migrations directory.
    public var migrationsDirectory: URL { root.appendingPathComponent(configuration.migrations) }

    /// Finds the project containing `directory`; the directory itself when no ancestor holds
    /// `pgkit.json` or `Package.swift`. Throws `PGKitProjectError` for a `pgkit.json` that
    /// cannot be read.
    public static func find(from directory: String = FileManager.default.currentDirectoryPath) throws -> PGKitProject {
        let start = URL(fileURLWithPath: directory).standardizedFileURL
        // A working directory that was removed has no path (getcwd fails): there is nothing to
        // walk up from, and walking up "." would never reach the root.
        guard start.path.hasPrefix("/") else { return PGKitProject(root: start) }
        var packageRoot: URL?
        var candidate = start
        while true {
            let file = candidate.appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: file.path) {
                return PGKitProject(root: candidate, configuration: try load(file), hasConfigurationFile: true)
            }
            if packageRoot == nil, FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path) {
                packageRoot = candidate
            }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { break }
            candidate = parent
        }
        return PGKitProject(root: packageRoot ?? start)
    }

    /// Reads `pgkit.json`.
    public static func load(_ file: URL) throws -> Configuration {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw PGKitProjectError.unreadable(path: file.path, reason: "\(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Configuration.self, from: data)
        } catch let error as DecodingError {
            throw PGKitProjectError.invalid(path: file.path, reason: Self.describe(error))
        }
    }

    /// The JSON `pgkit.json` holds for `configuration` (keys sorted, two-space indents).
    public static func encode(_ configuration: Configuration) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(configuration)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "    ", with: "  ") + "\n"
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "\(path): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

/// Why `pgkit.json` could not be used.
public enum PGKitProjectError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .invalid(let path, let reason): return "\(path) is not a valid PGKit configuration: \(reason)"
        }
    }
}
