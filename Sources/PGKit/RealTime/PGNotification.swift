/// One `NOTIFY` as a listener receives it: the channel, the payload, and the server process of
/// the session that sent it (`pg_backend_pid()` there).
public struct PGNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload (empty when the sender gave none).
    public var payload: String
    /// The backend process id of the sending session.
    public var senderPID: Int32

    /// A notification with these fields (for tests and fakes).
    public init(channel: String, payload: String, senderPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}
