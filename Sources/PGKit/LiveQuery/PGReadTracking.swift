import Synchronization

/// What a live query's closure read, recorded while it runs: the code that runs a statement
/// (the repositories do) records the tables and rows it reads in the task's recorder.
///
/// ```swift
/// PGReadTracking.record(.rows(of: "sessions", where: [.equals("user_id", userID)]))
/// ```
public enum PGReadTracking {
    /// The recorder of the live query running in this task, if any.
    @TaskLocal public static var recorder: PGReadRecorder?

    /// Records `reads` for the live query running in this task (nothing outside one).
    public static func record(_ reads: PGTableRead...) {
        guard let recorder else { return }
        for read in reads { recorder.record(read) }
    }
}

/// The reads of one run of a live query's closure.
public final class PGReadRecorder: Sendable {
    private struct State {
        var reads: [PGTableRead] = []
        var readsUnknown = false
    }

    private let state = Mutex(State())

    /// An empty recorder.
    public init() {}

    /// Records one read.
    public func record(_ read: PGTableRead) { state.withLock { $0.reads.append(read) } }

    /// Records a read whose tables are not known: every change counts for this query.
    public func recordUnknownRead() { state.withLock { $0.readsUnknown = true } }

    /// The reads recorded so far.
    public var reads: [PGTableRead] { state.withLock { $0.reads } }

    /// Whether a read of unknown tables was recorded.
    public var readsUnknown: Bool { state.withLock { $0.readsUnknown } }
}
