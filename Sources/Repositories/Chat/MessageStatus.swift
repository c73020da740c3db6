/// Where a message is in its life (seed 003): the database accepts exactly these. New messages
/// are `sent` unless told otherwise; `deleted` marks a message as removed while keeping it.
public enum MessageStatus: String, Sendable, CaseIterable, Codable {
    case sending
    case sent
    case delivered
    case error
    case deleted
}
