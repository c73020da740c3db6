import Synchronization

/// The SQL result cursor the studio has open, if any: at most one, closed when another
/// query runs or the studio goes back to a table.
final class SQLResultSlot: Sendable {
    private let cursor = Mutex<SQLResultCursor?>(nil)

    var current: SQLResultCursor? { cursor.withLock { $0 } }

    /// Keeps `new` open, closing the one held before.
    func replace(with new: SQLResultCursor?) async {
        let old = cursor.withLock { slot in
            defer { slot = new }
            return slot
        }
        if let old, old !== new { await old.close() }
    }
}
