import Foundation

/// Where the package's own files are, for tests that use the real migrations and generated code.
public enum ProjectPaths {
    /// The package root, found from this file's location.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let migrations = root.appendingPathComponent("migrations")
}
