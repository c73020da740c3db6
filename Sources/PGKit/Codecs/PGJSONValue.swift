import Foundation

/// A JSON document of unknown shape, as a Swift value: what a `jsonb` column holds when no
/// `Codable` type describes it. Stored as `jsonb`.
///
/// ```swift
/// let content: PGJSONValue = ["name": "Ada", "traits": ["curious", "precise"], "age": 36]
/// ```
public enum PGJSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([PGJSONValue])
    case object([String: PGJSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([PGJSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: PGJSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> PGJSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

extension PGJSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: PGJSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, PGJSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension PGJSONValue: PGCodable {
    public static var pgDataType: PGDataType { .jsonb }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { try JSONWire.encode(self, into: &buffer, jsonb: true) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try JSONWire.decode(PGJSONValue.self, &buffer, oid: type, context: context)
    }
}
