import Foundation
import PGKit

/// What a message records about how it was made (`messages.metadata`, seed 003): the model,
/// token usage, processing time, temperature, and an error. Stored as a JSON object with the
/// seed's member names; times are Unix milliseconds.
///
/// ```swift
/// let metadata = MessageMetadata(model: "gpt-4o", tokens: .init(prompt: 12, completion: 30), processingTime: 850)
/// let answer = try await db.messages.createMessage(content: "Sure!", role: .assistant, sessionId: session.id, metadata: metadata)
/// print(try answer.decodedMetadata().tokens?.total ?? 0)   // 42
/// ```
public struct MessageMetadata: Hashable, Sendable, Codable {
    /// Tokens a reply used; `total` is always `prompt + completion` (the database checks it).
    public struct TokenUsage: Hashable, Sendable, Codable {
        public static let countRange: ClosedRange<Double> = 0...2_147_483_647

        public let prompt: Int
        public let completion: Int
        public var total: Int { prompt &+ completion }

        public init(prompt: Int, completion: Int) {
            self.prompt = prompt
            self.completion = completion
        }

        public init(from decoder: any Decoder) throws {
            self = try MessageMetadata.tokens(PGJSONValue(from: decoder), field: MessageMetadata.field + ".tokens")
        }
        public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

        var json: PGJSONValue {
            ["prompt": .number(PGJSONNumber(prompt)), "completion": .number(PGJSONNumber(completion)), "total": .number(PGJSONNumber(total))]
        }
    }

    /// Why making a message failed (seed 003's `error`).
    public struct Failure: Hashable, Sendable, Codable {
        public static let codeLength = 1...100
        public static let messageLength = 0...10_000

        public let code: String
        public let message: String
        /// When it failed, to the millisecond (what JSON keeps).
        public let timestamp: Date

        public init(code: String, message: String, timestamp: Date = Date()) {
            self.code = code
            self.message = message
            self.timestamp = UnixMilliseconds.rounded(timestamp)
        }

        public init(from decoder: any Decoder) throws {
            self = try MessageMetadata.failure(PGJSONValue(from: decoder), field: MessageMetadata.field + ".error")
        }
        public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

        var json: PGJSONValue {
            ["code": .string(code), "message": .string(message), "timestamp": .number(PGJSONNumber(UnixMilliseconds.milliseconds(timestamp)))]
        }
    }

    public static let processingTimeRange: ClosedRange<Double> = 0...86_400_000
    public static let temperatureRange: ClosedRange<Double> = 0...2

    /// The model that wrote the message (a model identifier).
    public var model: String?
    public var tokens: TokenUsage?
    /// How long making the message took, in milliseconds (at most a day).
    public var processingTime: Double?
    public var temperature: Double?
    public var error: Failure?

    public init(model: String? = nil, tokens: TokenUsage? = nil, processingTime: Double? = nil,
                temperature: Double? = nil, error: Failure? = nil) {
        self.model = model
        self.tokens = tokens
        self.processingTime = processingTime
        self.temperature = temperature
        self.error = error
    }

    static let field = "messages.metadata"

    /// Throws the typed error for the first value outside its rule.
    public func validate() throws(RepositoryError) {
        if let model { try ChatRules.checkModel(model, "\(Self.field).model") }
        if let tokens {
            try ChatRules.checkRange(tokens.prompt, "\(Self.field).tokens.prompt", TokenUsage.countRange)
            try ChatRules.checkRange(tokens.completion, "\(Self.field).tokens.completion", TokenUsage.countRange)
            try ChatRules.checkRange(tokens.total, "\(Self.field).tokens.total", TokenUsage.countRange)
        }
        if let processingTime { try ChatRules.checkRange(processingTime, "\(Self.field).processingTime", Self.processingTimeRange) }
        if let temperature { try ChatRules.checkRange(temperature, "\(Self.field).temperature", Self.temperatureRange) }
        if let error {
            try ChatRules.checkLength(error.code, "\(Self.field).error.code", Failure.codeLength)
            try ChatRules.checkLength(error.message, "\(Self.field).error.message", Failure.messageLength)
            try ChatRules.checkRange(Double(UnixMilliseconds.milliseconds(error.timestamp)), "\(Self.field).error.timestamp", UnixMilliseconds.allowed)
        }
    }

    /// The JSON object stored in the column.
    public var json: PGJSONValue {
        var members: [String: PGJSONValue] = [:]
        if let model { members["model"] = .string(model) }
        if let tokens { members["tokens"] = tokens.json }
        if let processingTime { members["processingTime"] = .number(processingTime) }
        if let temperature { members["temperature"] = .number(temperature) }
        if let error { members["error"] = error.json }
        return .object(members)
    }

    /// Reads and validates the column's JSON.
    public init(json: PGJSONValue) throws(RepositoryError) {
        let reader = try JSONObjectReader(json, field: Self.field, members: ["model", "tokens", "processingTime", "temperature", "error"])
        model = try reader.string("model")
        tokens = try reader.object("tokens").map { value throws(RepositoryError) in try Self.tokens(value, field: reader.path("tokens")) }
        processingTime = try reader.double("processingTime")
        temperature = try reader.double("temperature")
        error = try reader.object("error").map { value throws(RepositoryError) in try Self.failure(value, field: reader.path("error")) }
        try validate()
    }

    static func tokens(_ json: PGJSONValue, field: String) throws(RepositoryError) -> TokenUsage {
        let reader = try JSONObjectReader(json, field: field, members: ["prompt", "completion", "total"])
        let read = { (key: String) throws(RepositoryError) -> Int in
            Int(try reader.required(key) { key throws(RepositoryError) in try reader.integer(key, allowed: TokenUsage.countRange) })
        }
        let usage = TokenUsage(prompt: try read("prompt"), completion: try read("completion"))
        let total = try read("total")
        guard total == usage.total else { throw .invalidDocument(field: reader.path("total"), reason: "must be prompt + completion") }
        return usage
    }

    static func failure(_ json: PGJSONValue, field: String) throws(RepositoryError) -> Failure {
        let reader = try JSONObjectReader(json, field: field, members: ["code", "message", "timestamp"])
        let milliseconds = try reader.required("timestamp") { key throws(RepositoryError) in try reader.integer(key, allowed: UnixMilliseconds.allowed) }
        try ChatRules.checkRange(Double(milliseconds), reader.path("timestamp"), UnixMilliseconds.allowed)
        return Failure(code: try reader.required("code", reader.string), message: try reader.required("message", reader.string),
                       timestamp: UnixMilliseconds.date(milliseconds))
    }

    public init(from decoder: any Decoder) throws { try self.init(json: PGJSONValue(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
