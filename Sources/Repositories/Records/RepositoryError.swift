import Foundation
import PGKit

/// The errors repository callers handle, each with what they need to act.
public enum RepositoryError: Error, Equatable, CustomStringConvertible, Sendable {
    case notFound(table: String, id: String)
    case duplicateEmail(String)
    case duplicateName(String)
    case unknownUser(UUID)
    case unknownSession(UUID)
    case contentTooLong(limit: Int, length: Int)
    case wrongEmbeddingDimension(expected: Int, actual: Int)
    case invalidEmail(String)
    /// A pagination cursor that this code did not produce (or that was altered).
    case invalidCursor
    case unknownColumn(table: String, column: String)
    /// A user name outside seed 003's rule: 1-100 letters, digits, spaces and hyphens, at least
    /// one of them a letter or digit (Unicode letters and decimal digits).
    case invalidName(String)
    /// A text whose length (in characters, as PostgreSQL counts them: Unicode scalars) is
    /// outside what `field` allows. `field` names the column or the JSON member
    /// (`sessions.title`, `messages.parts[2].url`).
    case lengthOutOfRange(field: String, allowed: ClosedRange<Int>, length: Int)
    /// A number outside what `field` allows (`sessions.settings.temperature`).
    case valueOutOfRange(field: String, allowed: ClosedRange<Double>, value: Double)
    /// A text that is not of the form `field` takes: a model identifier, a language tag, a
    /// MIME type, a status or role the database does not know.
    case invalidFormat(field: String, value: String)
    /// A list longer than `field` allows (`sessions.tags`, `messages.parts`).
    case tooManyItems(field: String, limit: Int, count: Int)
    /// A JSON document of the wrong shape: a member it does not have, one it needs, or a value
    /// of the wrong JSON type.
    case invalidDocument(field: String, reason: String)
    /// A message with neither content nor parts (seed 003: at least one part when content is empty).
    case emptyMessage
    case unknownMessage(UUID)
    /// A reply outside its parent's session (or a message of a thread moved to another session).
    case replyInAnotherSession(parentId: UUID)
    /// A reply deeper than `limit` levels below the message that starts its thread.
    case threadTooDeep(limit: Int)
    /// A message's parent is set when the reply is written; it can be removed, not replaced.
    case threadIsFixed(messageId: UUID)

    public var description: String {
        switch self {
        case .notFound(let table, let id): return "no \(table) row with id \(id)"
        case .duplicateEmail(let email): return "a user with email \(email) already exists"
        case .duplicateName(let name): return "the name \"\(name)\" is already taken"
        case .unknownUser(let id): return "no user with id \(id)"
        case .unknownSession(let id): return "no session with id \(id)"
        case .contentTooLong(let limit, let length): return "content is \(length) characters; the limit is \(limit)"
        case .wrongEmbeddingDimension(let expected, let actual): return "embedding has \(actual) dimensions, expected \(expected)"
        case .invalidEmail(let email): return "\"\(email)\" is not an email address"
        case .invalidCursor: return "the pagination cursor is not valid"
        case .unknownColumn(let table, let column): return "\(table) has no column \(column)"
        case .invalidName(let name): return "\"\(name)\" is not a name: 1-100 letters, digits, spaces and hyphens"
        case .lengthOutOfRange(let field, let allowed, let length):
            return "\(field) is \(length) characters; it takes \(allowed.lowerBound) to \(allowed.upperBound)"
        case .valueOutOfRange(let field, let allowed, let value):
            return "\(field) is \(PGJSONNumber(value)); it takes \(PGJSONNumber(allowed.lowerBound)) to \(PGJSONNumber(allowed.upperBound))"
        case .invalidFormat(let field, let value): return "\"\(value)\" is not a valid \(field)"
        case .tooManyItems(let field, let limit, let count): return "\(field) has \(count) items; the limit is \(limit)"
        case .invalidDocument(let field, let reason): return "\(field) \(reason)"
        case .emptyMessage: return "a message needs content or at least one part"
        case .unknownMessage(let id): return "no message with id \(id)"
        case .replyInAnotherSession(let parentId): return "a reply to message \(parentId) belongs to that message's session"
        case .threadTooDeep(let limit): return "a thread is at most \(limit) replies deep"
        case .threadIsFixed(let id): return "the parent of message \(id) cannot be replaced"
        }
    }
}
