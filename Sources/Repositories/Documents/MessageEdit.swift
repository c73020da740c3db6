import Foundation
import PGKit

/// One edit of a message (`messages.edit_history`, seed 003's `editHistory`): what the message
/// said before it, and when. The database appends one each time a message's content or parts
/// change, oldest first; nothing else writes the history.
///
/// ```swift
/// let edited = try await db.messages.edit(id: message.id, content: "Hello, edited world!")
/// for edit in try edited.decodedEditHistory() { print(edit.timestamp, edit.previousContent) }
/// ```
public struct MessageEdit: Hashable, Sendable, Codable {
    public let previousContent: String
    /// The parts the message had before the edit (empty for a text message).
    public let previousParts: [MessagePart]
    /// When the edit was made, to the millisecond.
    public let timestamp: Date

    public init(previousContent: String, previousParts: [MessagePart] = [], timestamp: Date) {
        self.previousContent = previousContent
        self.previousParts = previousParts
        self.timestamp = UnixMilliseconds.rounded(timestamp)
    }

    static let field = "messages.edit_history"

    var json: PGJSONValue {
        var members: [String: PGJSONValue] = [
            "previousContent": .string(previousContent),
            "timestamp": .number(PGJSONNumber(UnixMilliseconds.milliseconds(timestamp))),
        ]
        if !previousParts.isEmpty { members["previousParts"] = MessagePart.json(previousParts) }
        return .object(members)
    }

    /// The JSON array stored for `history`.
    public static func json(_ history: [MessageEdit]) -> PGJSONValue { .array(history.map(\.json)) }

    /// Reads and validates the column's JSON array.
    public static func history(json: PGJSONValue) throws(RepositoryError) -> [MessageEdit] {
        guard case .array(let elements) = json else { throw .invalidDocument(field: field, reason: "must be a JSON array") }
        var history: [MessageEdit] = []
        for (index, element) in elements.enumerated() {
            let reader = try JSONObjectReader(element, field: "\(field)[\(index)]", members: ["previousContent", "previousParts", "timestamp"])
            let content = try reader.required("previousContent", reader.string)
            try ChatRules.checkLength(content, reader.path("previousContent"), 0...MessageRepository.maximumContentLength)
            let parts = try reader.value("previousParts").map { value throws(RepositoryError) in
                try MessagePart.parts(json: value, field: reader.path("previousParts"))
            } ?? []
            let milliseconds = try reader.required("timestamp") { key throws(RepositoryError) in try reader.integer(key, allowed: UnixMilliseconds.allowed) }
            try ChatRules.checkRange(Double(milliseconds), reader.path("timestamp"), UnixMilliseconds.allowed)
            history.append(MessageEdit(previousContent: content, previousParts: parts, timestamp: UnixMilliseconds.date(milliseconds)))
        }
        return history
    }

    public init(from decoder: any Decoder) throws {
        let history = try Self.history(json: .array([PGJSONValue(from: decoder)]))
        self = history[0]
    }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
