import Foundation
import PGKit

/// A test database with the project's own migrations applied (through `psql`-free SQL: the
/// migration files are run statement by statement by the caller's migrator).
public enum ProjectPaths {
    /// The package root, found from this file's location.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let migrations = root.appendingPathComponent("migrations")
}
