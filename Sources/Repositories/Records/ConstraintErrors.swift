import Foundation
import PGKit

/// Turns the server's constraint violations into the typed errors repository callers handle.
enum ConstraintErrors {
    static func translating<T>(_ values: [String: String] = [:], _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PGError where error.kind == .server {
            throw translate(error, values) ?? error
        }
    }

    static func translate(_ error: PGError, _ values: [String: String]) -> RepositoryError? {
        let value = { (key: String) in values[key] ?? "" }
        let id = { (key: String) in UUID(uuidString: value(key)) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
        switch error.constraint {
        case "users_email_key": return .duplicateEmail(value("email"))
        case "users_email_format": return .invalidEmail(value("email"))
        case "specializations_name_key": return .duplicateName(value("name"))
        case "sessions_user_id_fkey", "memories_user_id_fkey": return .unknownUser(id("user_id"))
        case "messages_session_id_fkey", "character_files_session_id_fkey", "memories_session_id_fkey":
            return .unknownSession(id("session_id"))
        default: return nil
        }
    }
}
