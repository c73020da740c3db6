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
        }
    }
}
