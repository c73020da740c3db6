/// Why the embedded local cluster could not be used.
public enum LocalClusterError: Error, CustomStringConvertible, Equatable {
    case serverNotInstalled
    case noUnprivilegedUser
    case commandFailed(command: String, output: String)
    case notRunning

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
        }
    }
}
