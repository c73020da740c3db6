/// The bounded queue between a listener's connection and its consumer, as a value: what to keep
/// when the consumer is behind, and where the "you missed some" event goes.
///
/// Policy: at most `capacity` notifications wait; further ones are dropped and counted, and the
/// count is delivered as one `.bufferFull` gap at the point where they were dropped (after
/// everything already queued, before any later notification). Gap events of reconnections are
/// always kept. Memory is bounded by `capacity` notifications plus one event per reconnection.
struct ListenerBuffer {
    let capacity: Int
    private var events = FIFOQueue<PGListenerEvent>()
    private var notificationCount = 0
    private var dropped = 0
    /// Every notification dropped so far, including those already reported.
    private(set) var droppedInAll = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { events.isEmpty && dropped == 0 }

    /// Takes in a notification; false when it was dropped (the buffer is full).
    @discardableResult
    mutating func push(_ notification: PGNotification) -> Bool {
        guard notificationCount < capacity else {
            dropped += 1
            droppedInAll += 1
            return false
        }
        flushDropped()
        events.append(.notification(notification))
        notificationCount += 1
        return true
    }

    /// Takes in a gap of a reconnection (never dropped).
    mutating func push(gap: PGListenerGap) {
        flushDropped()
        events.append(.mayHaveMissedNotifications(gap))
    }

    /// The next event for the consumer, if any.
    mutating func pop() -> PGListenerEvent? {
        guard let event = events.popFirst() else {
            guard dropped > 0 else { return nil }
            defer { dropped = 0 }
            return .mayHaveMissedNotifications(.bufferFull(dropped: dropped))
        }
        if case .notification = event { notificationCount -= 1 }
        return event
    }

    private mutating func flushDropped() {
        guard dropped > 0 else { return }
        events.append(.mayHaveMissedNotifications(.bufferFull(dropped: dropped)))
        dropped = 0
    }
}
