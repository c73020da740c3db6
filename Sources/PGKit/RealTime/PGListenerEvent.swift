/// What a `PGListener` yields: a notification, or word that some may have been missed.
public enum PGListenerEvent: Sendable {
    /// A notification on one of the channels listened to.
    case notification(PGNotification)
    /// Notifications sent around this point may never arrive: reload whatever they keep fresh.
    case mayHaveMissedNotifications(PGListenerGap)

    /// The notification, when this event is one.
    public var notification: PGNotification? {
        if case .notification(let notification) = self { return notification }
        return nil
    }
}

/// Why a listener may have missed notifications.
public enum PGListenerGap: Sendable {
    /// The connection was lost (`error`) and is back, with every channel listened to again:
    /// what was sent while it was down is gone (PostgreSQL keeps no notification for a session
    /// that is not listening).
    case reconnected(after: PGError)
    /// The consumer fell behind: the buffer was full and `dropped` notifications were discarded
    /// (the newest ones; everything before this event was delivered).
    case bufferFull(dropped: Int)
}
