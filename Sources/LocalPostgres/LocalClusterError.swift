/// Why the embedded local cluster could not be used.
public enum LocalClusterError: Error, CustomStringConvertible, Equatable {
    case serverNotInstalled
    case noUnprivilegedUser
    case commandFailed(command: String, output: String)
    case notRunning
    /// A directory the cluster's files would go under is not a directory that only its owner
    /// (this user or root) can write to; it is never used.
    case untrustedDirectory(String)
    /// Every name for this project's directory under the root is taken by other projects.
    case noClusterDirectory(root: String)

    public var description: String {
        switch self {
        case .serverNotInstalled:
            return "PostgreSQL server programs (initdb, pg_ctl) were not found; run scripts/bootstrap or set PG_BIN"
        case .noUnprivilegedUser:
            return "PostgreSQL refuses to run as root and there is no 'postgres' user to run it as; install postgresql-15 (scripts/bootstrap)"
        case .commandFailed(let command, let output):
            return "\(command) failed:\n\(output)"
        case .notRunning:
            return "the local cluster is not running (start it with: dbctl db start)"
        case .untrustedDirectory(let path):
            return "\(path) is not a directory that only root can write to, so the local cluster's files cannot be kept there; remove it, or run dbctl as an ordinary user"
        case .noClusterDirectory(let root):
            return "every directory name for this project under \(root) belongs to another project; remove the unused ones there"
        }
    }
}
