import CLibPQ
import Foundation

extension LibPQSession {
    /// The notifications libpq has already read off the socket.
    func takeNotifications() -> [PGNotification] {
        guard let connection else { return [] }
        var notifications: [PGNotification] = []
        while let notify = PQnotifies(connection) {
            notifications.append(PGNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }

    /// Waits (on the connection thread) until notifications arrive, `wake` becomes readable, or
    /// `timeout` passes, and returns the notifications that arrived. Throws when the connection
    /// is lost (a terminated backend, a server gone).
    func waitForNotifications(wake: Int32, timeout: Duration) throws(PGError) -> [PGNotification] {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        var notifications = takeNotifications()
        if !notifications.isEmpty { return notifications }
        let deadline = ContinuousClock.now + timeout
        while notifications.isEmpty {
            let remaining = deadline - .now
            guard remaining > .zero else { break }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptors = [pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, wake >= 0 ? 2 : 1, milliseconds)
            if ready < 0, errno != EINTR { throw PGError(.connectionLost, "poll failed: \(errno)") }
            if descriptors[0].revents != 0 {
                if PQconsumeInput(connection) == 0 || isBroken { throw connectionError(query: nil) }
                notifications = takeNotifications()
            }
            if wake >= 0, descriptors[1].revents != 0 { break }
        }
        return notifications
    }
}
