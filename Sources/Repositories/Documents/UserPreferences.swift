import PGKit

/// A user's preferences (`users.preferences`, seed 003): theme, language, default model and
/// notifications, each optional. Stored as a JSON object with the seed's member names; one
/// preference changes on its own with `UserRepository.setPreference(_:userId:)` (a `jsonb_set`
/// on its path, as seed 004's `$set` on a path does).
///
/// ```swift
/// let preferences = try await db.users.setPreference(.theme(.dark), userId: user.id)
/// print(preferences.theme == .dark, preferences.language ?? "none")
/// ```
public struct UserPreferences: Hashable, Sendable, Codable {
    public enum Theme: String, Hashable, Sendable, Codable, CaseIterable {
        case light, dark, system
    }

    /// The name of one preference, as stored.
    public enum Key: String, Hashable, Sendable, CaseIterable {
        case theme, language, defaultModel, enableNotifications
    }

    /// One preference with its value, for `UserRepository.setPreference(_:userId:)`.
    public enum Setting: Hashable, Sendable {
        case theme(Theme)
        /// A language tag (`en`, `pt-BR`).
        case language(String)
        /// A model identifier (`gpt-4o`).
        case defaultModel(String)
        case enableNotifications(Bool)

        public var key: Key {
            switch self {
            case .theme: return .theme
            case .language: return .language
            case .defaultModel: return .defaultModel
            case .enableNotifications: return .enableNotifications
            }
        }

        /// The value as stored under `key`.
        public var json: PGJSONValue {
            switch self {
            case .theme(let theme): return .string(theme.rawValue)
            case .language(let language): return .string(language)
            case .defaultModel(let model): return .string(model)
            case .enableNotifications(let enabled): return .bool(enabled)
            }
        }

        public func validate() throws(RepositoryError) {
            switch self {
            case .language(let language): try ChatRules.checkLanguage(language, "\(UserPreferences.field).language")
            case .defaultModel(let model): try ChatRules.checkModel(model, "\(UserPreferences.field).defaultModel")
            case .theme, .enableNotifications: break
            }
        }
    }

    public var theme: Theme?
    public var language: String?
    public var defaultModel: String?
    public var enableNotifications: Bool?

    public init(theme: Theme? = nil, language: String? = nil, defaultModel: String? = nil, enableNotifications: Bool? = nil) {
        self.theme = theme
        self.language = language
        self.defaultModel = defaultModel
        self.enableNotifications = enableNotifications
    }

    static let field = "users.preferences"

    /// The preferences that are set, one `Setting` each.
    public var settings: [Setting] {
        var settings: [Setting] = []
        if let theme { settings.append(.theme(theme)) }
        if let language { settings.append(.language(language)) }
        if let defaultModel { settings.append(.defaultModel(defaultModel)) }
        if let enableNotifications { settings.append(.enableNotifications(enableNotifications)) }
        return settings
    }

    /// Throws `invalidFormat` for a language that is not a language tag or a default model that
    /// is not a model identifier.
    public func validate() throws(RepositoryError) {
        for setting in settings { try setting.validate() }
    }

    /// The JSON object stored in the column.
    public var json: PGJSONValue {
        .object(Dictionary(uniqueKeysWithValues: settings.map { ($0.key.rawValue, $0.json) }))
    }

    /// Reads and validates the column's JSON.
    public init(json: PGJSONValue) throws(RepositoryError) {
        let reader = try JSONObjectReader(json, field: Self.field, members: Set(Key.allCases.map(\.rawValue)))
        if let theme = try reader.string("theme") {
            guard let known = Theme(rawValue: theme) else { throw .invalidFormat(field: reader.path("theme"), value: theme) }
            self.theme = known
        }
        language = try reader.string("language")
        defaultModel = try reader.string("defaultModel")
        enableNotifications = try reader.bool("enableNotifications")
        try validate()
    }

    public init(from decoder: any Decoder) throws { try self.init(json: PGJSONValue(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
