import PGKit

/// What a live subscription of the repositories yields: a row of the subscriber's that was
/// created, changed or removed, as its generated model, in commit order.
public enum RecordChange<Record: TableRecord>: Sendable {
    /// A new row (or one that came into the subscription's scope, such as a session given to
    /// this user).
    case inserted(Record)
    /// A row that changed, as it is now.
    case updated(Record)
    /// A row that was deleted (or left the scope), as it was last.
    case deleted(Record)
    /// Changes may have been missed here (the feed reconnected, the subscriber fell behind, or
    /// the table was truncated): reload what the subscription keeps fresh.
    case mayHaveMissedChanges(PGChangeFeedGap)
}

extension RecordChange: Equatable where Record: Equatable {
    public static func == (lhs: RecordChange, rhs: RecordChange) -> Bool {
        switch (lhs, rhs) {
        case (.inserted(let a), .inserted(let b)), (.updated(let a), .updated(let b)), (.deleted(let a), .deleted(let b)): a == b
        case (.mayHaveMissedChanges, .mayHaveMissedChanges): true
        default: false
        }
    }
}

extension RecordChange {
    /// The row the change is about (nil for a gap).
    public var record: Record? {
        switch self {
        case .inserted(let record), .updated(let record), .deleted(let record): record
        case .mayHaveMissedChanges: nil
        }
    }
}
