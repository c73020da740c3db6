import PGKit

/// A session's model settings (`sessions.settings`, seed 003): each optional, each within its
/// range. Stored as a JSON object with the seed's member names (`maxTokens`, `topP`...); a
/// setting left nil is left out.
///
/// ```swift
/// let settings = SessionSettings(temperature: 0.7, maxTokens: 2000)
/// let session = try await db.sessions.createSession(userId: user.id, title: "Planning", settings: settings)
/// let stored = try session.decodedSettings()        // == settings
/// ```
public struct SessionSettings: Hashable, Sendable, Codable {
    public static let temperatureRange: ClosedRange<Double> = 0...2
    public static let maxTokensRange: ClosedRange<Double> = 1...32_000
    public static let topPRange: ClosedRange<Double> = 0...1
    /// Frequency and presence penalties.
    public static let penaltyRange: ClosedRange<Double> = -2...2

    public var temperature: Double?
    public var maxTokens: Int?
    public var topP: Double?
    public var frequencyPenalty: Double?
    public var presencePenalty: Double?

    public init(temperature: Double? = nil, maxTokens: Int? = nil, topP: Double? = nil,
                frequencyPenalty: Double? = nil, presencePenalty: Double? = nil) {
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.topP = topP
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
    }

    static let field = "sessions.settings"
    static let members: Set<String> = ["temperature", "maxTokens", "topP", "frequencyPenalty", "presencePenalty"]

    /// Throws `valueOutOfRange` for the first setting outside its range.
    public func validate() throws(RepositoryError) {
        if let temperature { try ChatRules.checkRange(temperature, "\(Self.field).temperature", Self.temperatureRange) }
        if let maxTokens { try ChatRules.checkRange(maxTokens, "\(Self.field).maxTokens", Self.maxTokensRange) }
        if let topP { try ChatRules.checkRange(topP, "\(Self.field).topP", Self.topPRange) }
        if let frequencyPenalty { try ChatRules.checkRange(frequencyPenalty, "\(Self.field).frequencyPenalty", Self.penaltyRange) }
        if let presencePenalty { try ChatRules.checkRange(presencePenalty, "\(Self.field).presencePenalty", Self.penaltyRange) }
    }

    /// The JSON object stored in the column.
    public var json: PGJSONValue {
        var members: [String: PGJSONValue] = [:]
        if let temperature { members["temperature"] = .number(temperature) }
        if let maxTokens { members["maxTokens"] = .number(PGJSONNumber(maxTokens)) }
        if let topP { members["topP"] = .number(topP) }
        if let frequencyPenalty { members["frequencyPenalty"] = .number(frequencyPenalty) }
        if let presencePenalty { members["presencePenalty"] = .number(presencePenalty) }
        return .object(members)
    }

    /// Reads and validates the column's JSON: typed errors for a member it does not know, a
    /// value of the wrong type, or one outside its range.
    public init(json: PGJSONValue) throws(RepositoryError) {
        let reader = try JSONObjectReader(json, field: Self.field, members: Self.members)
        temperature = try reader.double("temperature")
        maxTokens = try reader.integer("maxTokens", allowed: Self.maxTokensRange).map { Int($0) }
        topP = try reader.double("topP")
        frequencyPenalty = try reader.double("frequencyPenalty")
        presencePenalty = try reader.double("presencePenalty")
        try validate()
    }

    public init(from decoder: any Decoder) throws { try self.init(json: PGJSONValue(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
