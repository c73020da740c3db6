import Foundation
import PGKit

/// Turns the server's constraint violations into the typed errors repository callers handle.
///
/// Every rule of the chat schema has a constraint name, whether a CHECK constraint or a trigger
/// that raises with `CONSTRAINT = ...` (`translatedConstraints` lists them; a test checks the
/// schema has no other). `values` carries what the statement wrote, by column (and for JSON
/// members by their path, `settings.temperature`), for the error to quote.
enum ConstraintErrors {
    static func translating<T>(_ values: [String: String] = [:], _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PGError where error.kind == .server {
            throw translate(error, values) ?? error
        }
    }

    /// The constraints `translate` knows.
    static let translatedConstraints: Set<String> = [
        "users_email_key", "users_email_format", "specializations_name_key", "sessions_user_id_fkey", "memories_user_id_fkey",
        "messages_session_id_fkey", "character_files_session_id_fkey", "memories_session_id_fkey",
        "users_name_format", "users_image_length", "users_preferences_keys", "users_preferences_theme", "users_preferences_language",
        "users_preferences_default_model", "users_preferences_notifications",
        "sessions_title_length", "sessions_model_format", "sessions_system_prompt_length", "sessions_settings_keys",
        "sessions_settings_temperature", "sessions_settings_max_tokens", "sessions_settings_top_p",
        "sessions_settings_frequency_penalty", "sessions_settings_presence_penalty", "sessions_tags_count", "sessions_tags_length",
        "messages_role_check", "messages_content_length", "messages_status_check", "messages_thread_level_range",
        "messages_parts_count", "messages_parts_valid", "messages_edit_history_valid", "messages_metadata_keys",
        "messages_metadata_model", "messages_metadata_tokens", "messages_metadata_processing_time",
        "messages_metadata_temperature", "messages_metadata_error", "messages_content_or_parts",
        "messages_parent_message_id_fkey", "messages_parent_same_session", "messages_parent_fixed",
    ]

    static func translate(_ error: PGError, _ values: [String: String]) -> RepositoryError? {
        let value = { (key: String) in values[key] ?? "" }
        let id = { (key: String) in UUID(uuidString: value(key)) ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
        let length = { (key: String) in value(key).unicodeScalars.count }
        let number = { (key: String) in Double(value(key)) ?? .nan }
        let settings = { (key: String, allowed: ClosedRange<Double>) in
            RepositoryError.valueOutOfRange(field: "sessions.settings.\(key)", allowed: allowed, value: number("settings.\(key)"))
        }
        switch error.constraint {
        case "users_email_key": return .duplicateEmail(value("email"))
        case "users_email_format": return .invalidEmail(value("email"))
        case "specializations_name_key": return .duplicateName(value("name"))
        case "sessions_user_id_fkey", "memories_user_id_fkey": return .unknownUser(id("user_id"))
        case "messages_session_id_fkey", "character_files_session_id_fkey", "memories_session_id_fkey":
            return .unknownSession(id("session_id"))

        case "users_name_format": return .invalidName(value("name"))
        case "users_image_length": return .lengthOutOfRange(field: "users.image", allowed: ChatRules.imageLength, length: length("image"))
        case "users_preferences_keys":
            return .invalidDocument(field: "users.preferences", reason: "holds only theme, language, defaultModel and enableNotifications")
        case "users_preferences_theme": return .invalidFormat(field: "users.preferences.theme", value: value("preferences.theme"))
        case "users_preferences_language": return .invalidFormat(field: "users.preferences.language", value: value("preferences.language"))
        case "users_preferences_default_model":
            return .invalidFormat(field: "users.preferences.defaultModel", value: value("preferences.defaultModel"))
        case "users_preferences_notifications":
            return .invalidDocument(field: "users.preferences.enableNotifications", reason: "must be true or false")

        case "sessions_title_length": return .lengthOutOfRange(field: "sessions.title", allowed: ChatRules.titleLength, length: length("title"))
        case "sessions_model_format": return .invalidFormat(field: "sessions.model", value: value("model"))
        case "sessions_system_prompt_length":
            return .lengthOutOfRange(field: "sessions.system_prompt", allowed: ChatRules.systemPromptLength, length: length("system_prompt"))
        case "sessions_settings_keys":
            return .invalidDocument(field: "sessions.settings", reason: "holds only temperature, maxTokens, topP, frequencyPenalty and presencePenalty, as numbers")
        case "sessions_settings_temperature": return settings("temperature", SessionSettings.temperatureRange)
        case "sessions_settings_max_tokens": return settings("maxTokens", SessionSettings.maxTokensRange)
        case "sessions_settings_top_p": return settings("topP", SessionSettings.topPRange)
        case "sessions_settings_frequency_penalty": return settings("frequencyPenalty", SessionSettings.penaltyRange)
        case "sessions_settings_presence_penalty": return settings("presencePenalty", SessionSettings.penaltyRange)
        case "sessions_tags_count":
            return .tooManyItems(field: "sessions.tags", limit: ChatRules.maximumTags, count: Int(value("tags.count")) ?? 0)
        case "sessions_tags_length": return .lengthOutOfRange(field: "sessions.tags", allowed: ChatRules.tagLength, length: length("tag"))

        case "messages_role_check": return .invalidFormat(field: "messages.role", value: value("role"))
        case "messages_content_length":
            return .contentTooLong(limit: MessageRepository.maximumContentLength, length: length("content"))
        case "messages_status_check": return .invalidFormat(field: "messages.status", value: value("status"))
        case "messages_thread_level_range": return .threadTooDeep(limit: ChatRules.maximumThreadLevel)
        case "messages_parts_count":
            return .tooManyItems(field: "messages.parts", limit: ChatRules.maximumParts, count: Int(value("parts.count")) ?? 0)
        case "messages_parts_valid":
            return .invalidDocument(field: "messages.parts", reason: "holds parts the database does not accept (see MessagePart)")
        case "messages_edit_history_valid":
            return .invalidDocument(field: "messages.edit_history", reason: "holds edits the database does not accept (see MessageEdit)")
        case "messages_metadata_keys":
            return .invalidDocument(field: "messages.metadata", reason: "holds only model, tokens, processingTime, temperature and error")
        case "messages_metadata_model": return .invalidFormat(field: "messages.metadata.model", value: value("metadata.model"))
        case "messages_metadata_tokens":
            return .invalidDocument(field: "messages.metadata.tokens", reason: "holds prompt, completion and total, whole numbers with total = prompt + completion")
        case "messages_metadata_processing_time":
            return .valueOutOfRange(field: "messages.metadata.processingTime", allowed: MessageMetadata.processingTimeRange,
                                    value: number("metadata.processingTime"))
        case "messages_metadata_temperature":
            return .valueOutOfRange(field: "messages.metadata.temperature", allowed: MessageMetadata.temperatureRange,
                                    value: number("metadata.temperature"))
        case "messages_metadata_error":
            return .invalidDocument(field: "messages.metadata.error", reason: "holds code (1-100 characters), message and timestamp")
        case "messages_content_or_parts": return .emptyMessage
        case "messages_parent_message_id_fkey": return .unknownMessage(id("parent_message_id"))
        case "messages_parent_same_session": return .replyInAnotherSession(parentId: id("parent_message_id"))
        case "messages_parent_fixed": return .threadIsFixed(messageId: id("id"))
        default: return nil
        }
    }
}
