/// Whether the open table refreshes by itself when other sessions commit changes to it, and if
/// not, why: shown on the status line and in the help.
public enum LiveRefresh: Sendable, Equatable {
    /// Connecting the change stream (creating its slot waits for running transactions).
    case starting
    /// Committed changes to the tables of `publication` (nil: every table) refresh the view.
    case on(publication: String, tables: Set<String>?)
    /// Off, for this reason ("wal_level is replica, not logical").
    case off(reason: String)

    /// Whether changes to `table` are seen.
    public func covers(_ table: String) -> Bool {
        guard case .on(_, let tables) = self else { return false }
        return tables?.contains(table) ?? true
    }

    /// The status line's words for it, for the open table.
    public func label(for table: String?) -> String {
        switch self {
        case .starting: return "live refresh starting"
        case .on(let publication, _):
            guard let table, !covers(table) else { return "live" }
            return "live refresh off here: \(table) is not in \(publication)"
        case .off(let reason): return "live refresh off: \(reason)"
        }
    }
}
