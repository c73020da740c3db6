import Foundation

/// Where a project's local cluster keeps its files (data directory, server log, port file).
///
/// Normally that is `<project>/.dbctl/postgres`. When dbctl runs as root, the server runs as
/// the `postgres` user; if that user cannot enter the project (a project in `/root`, mode 700,
/// or any directory above it closed to others), the files go to a directory of their own under
/// ``LocalCluster/outsideRoot`` instead, named after the project and a hash of its absolute
/// path, and the project records it in `.dbctl/cluster-directory`. No permission in the project
/// or above it is ever changed.
public struct ClusterLocation: Sendable, Equatable {
    /// Which of the two places.
    public enum Placement: Sendable, Equatable {
        /// `<project>/.dbctl/postgres`.
        case inProject
        /// A directory outside the project, owned by the server's user, recorded in
        /// `.dbctl/cluster-directory`.
        case outsideProject
    }

    /// The cluster's directory: `data/`, `server.log` and `port` are in it.
    public let directory: URL
    public let placement: Placement

    public init(directory: URL, placement: Placement) {
        self.directory = URL(fileURLWithPath: directory.path, isDirectory: true)
        self.placement = placement
    }

    /// The PostgreSQL data directory.
    public var dataDirectory: URL { directory.appendingPathComponent("data") }
    /// The server's log (`pg_ctl -l`).
    public var logFile: URL { directory.appendingPathComponent("server.log") }
    /// The port the server used last, kept so the URL stays the same across restarts.
    var portFile: URL { directory.appendingPathComponent("port") }
    /// Outside the project: the project the directory belongs to (its absolute path), so a
    /// moved or copied project can be told apart from the one that made it.
    var ownerFile: URL { directory.appendingPathComponent("project") }

    /// Whether a cluster has been created here (`initdb` finished).
    var holdsCluster: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// The project path in ``ownerFile``, when there is one.
    var owner: String? {
        (try? String(contentsOf: ownerFile, encoding: .utf8)).map { $0.trimmingCharacters(in: .newlines) }
    }
}

/// The names for a new directory outside the project: `<root>/<name>-<hash>`, then `-2`, `-3`...
/// when another project holds one (a hash collision, or a project that moved away from this
/// path and took its directory along, before another one was made here).
enum OutsideClusterName {
    /// The candidates, in the order they are tried.
    static func candidates(for project: URL, under root: URL) -> [URL] {
        let stem = "\(readableName(project.lastPathComponent))-\(hash(project.path))"
        return [root.appendingPathComponent(stem)] + (2...9).map { root.appendingPathComponent("\(stem)-\($0)") }
    }

    /// The project folder's name, reduced to characters safe in a path (at most 40).
    static func readableName(_ name: String) -> String {
        let safe = name.unicodeScalars.prefix(40).map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        return safe.isEmpty ? "project" : String(safe)
    }

    /// FNV-1a (64 bits) of the path's UTF-8 bytes, as 16 hex digits. Only a name: which project
    /// a directory belongs to is its owner file's to say, so a collision is never shared.
    static func hash(_ path: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
