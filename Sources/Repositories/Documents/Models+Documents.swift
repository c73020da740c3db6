import Foundation
import PGKit

// The generated models hold jsonb columns as `PGJSONValue`; these read them as their types.

extension User {
    /// `preferences`, read and validated.
    public func decodedPreferences() throws(RepositoryError) -> UserPreferences { try UserPreferences(json: preferences) }
}

extension Session {
    /// `settings`, read and validated.
    public func decodedSettings() throws(RepositoryError) -> SessionSettings { try SessionSettings(json: settings) }
}

extension Message {
    /// `parts`, read and validated (empty for a message of text alone).
    public func decodedParts() throws(RepositoryError) -> [MessagePart] { try MessagePart.parts(json: parts) }

    /// `metadata`, read and validated.
    public func decodedMetadata() throws(RepositoryError) -> MessageMetadata { try MessageMetadata(json: metadata) }

    /// `edit_history`, oldest edit first.
    public func decodedEditHistory() throws(RepositoryError) -> [MessageEdit] { try MessageEdit.history(json: editHistory) }

    /// `status` as a `MessageStatus` (nil only for a value the schema does not allow).
    public var messageStatus: MessageStatus? { MessageStatus(rawValue: status) }

    /// `role` as a `MessageRole`.
    public var messageRole: MessageRole? { MessageRole(rawValue: role) }
}
