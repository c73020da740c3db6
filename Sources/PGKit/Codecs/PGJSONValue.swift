import Foundation

/// A JSON document of unknown shape, as a Swift value: what a `jsonb` column holds when no
/// `Codable` type describes it. Stored as `jsonb`; read from `jsonb` and `json` exactly:
/// numbers keep their digits (`PGJSONNumber`), and of duplicate keys the last one wins, as
/// jsonb keeps it.
///
/// ```swift
/// let title = "Guide"
/// let content: PGJSONValue = ["name": "Ada", "title": .string(title), "traits": ["curious", "precise"], "age": 36]
/// ```
public enum PGJSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(PGJSONNumber)
    case string(String)
    case array([PGJSONValue])
    case object([String: PGJSONValue])

    /// Parses JSON text exactly (see the type's description); throws `.decodingFailed` naming
    /// the byte where the text stops being JSON.
    public init(parsing text: String) throws(PGError) {
        var result: Result<PGJSONValue, PGError> = .success(.null)
        Array(text.utf8).withUnsafeBytes { raw in result = Result { () throws(PGError) in try JSONText.parse(raw) } }
        self = try result.get()
    }

    /// The JSON text, keys sorted.
    /// Throws `.invalidParameter` for a NaN or infinite number, which JSON cannot hold.
    public func jsonText() throws(PGError) -> String { String(decoding: try JSONText.serialize(self), as: UTF8.self) }

    /// Through `Codable` (`JSONDecoder`), numbers keep what `Decimal` can hold (38 digits);
    /// read the column as `PGJSONValue` directly to keep every digit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Decimal.self), let number = PGJSONNumber(json: PGNumeric(value).normalizedDescription) {
            self = .number(number)
        } else if let value = try? container.decode(Double.self) { self = .number(PGJSONNumber(value)) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([PGJSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: PGJSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if let integer = value.int64Value { try container.encode(integer) }
            else if let decimal = try? Decimal(exactly: value.numericValue) { try container.encode(decimal) }
            else { try container.encode(value.doubleValue) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A number from a `Double` (its shortest exact text); `.number(2.5)` with a literal makes
    /// the same. NaN and infinities have no JSON form and are refused when sent.
    @_disfavoredOverload
    public static func number(_ value: Double) -> PGJSONValue { .number(PGJSONNumber(value)) }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> PGJSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

extension PGJSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringInterpolation, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: StaticBigInt) { self = .number(PGJSONNumber(integerLiteral: value)) }
    public init(floatLiteral value: Double) { self = .number(PGJSONNumber(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    /// `"Chat \(number)"` in a JSON literal is a string.
    public init(stringInterpolation: DefaultStringInterpolation) { self = .string(String(stringInterpolation: stringInterpolation)) }
    public init(arrayLiteral elements: PGJSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, PGJSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension PGJSONValue: PGCodable {
    public static var pgDataType: PGDataType { .jsonb }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(JSONWire.jsonbVersion)
        buffer.writeBytes(try JSONText.serialize(self))
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try JSONText.parse(try JSONWire.text(&buffer, type: type, context: context))
    }
}
