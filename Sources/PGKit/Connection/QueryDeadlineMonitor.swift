import Foundation
import Synchronization

/// One thread for the whole process that enforces every connection's query timeout and
/// watches for a server gone silent (`PeerSilence`), four times a second: cheaper than a timer
/// per statement, and precise enough for limits counted in seconds or minutes.
final class QueryDeadlineMonitor: Sendable {
    static let shared = QueryDeadlineMonitor()

    private struct Entry { weak var cancellation: QueryCancellation? }
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let started = Mutex(false)

    func register(_ cancellation: QueryCancellation) {
        entries.withLock { $0[ObjectIdentifier(cancellation)] = Entry(cancellation: cancellation) }
        let start = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "pgkit-query-deadlines"
            thread.start()
        }
    }

    func unregister(_ cancellation: QueryCancellation) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(cancellation)) }
    }

    private func run() {
        while true {
            Thread.sleep(forTimeInterval: 0.25)
            let live = entries.withLock { entries -> [QueryCancellation] in
                entries = entries.filter { $0.value.cancellation != nil }
                return entries.values.compactMap(\.cancellation)
            }
            let now = ContinuousClock.now
            for cancellation in live { cancellation.enforceDeadline(now: now) }
        }
    }
}
