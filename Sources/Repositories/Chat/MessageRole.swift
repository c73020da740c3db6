/// Who wrote a message; the database accepts exactly these.
public enum MessageRole: String, Sendable, CaseIterable, Codable {
    case user
    case assistant
    case system
}
