import Foundation

/// Any `Codable` value stored as `jsonb` (the default) or `json`.
///
/// ```swift
/// try await conn.execute("INSERT INTO docs (body) VALUES (\(PGJSONB(profile)))")
/// let profile = try row.decode(PGJSONB<Profile>.self, at: 0).value
/// ```
public struct PGJSONB<Value: Codable & Sendable>: Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }
}

/// Any `Codable` value stored as `json` (text kept as written, key order and duplicates included).
public struct PGJSON<Value: Codable & Sendable>: Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }
}

/// JSON as raw UTF-8 bytes, passed through without parsing in either direction; sent as `jsonb`.
public struct PGRawJSON: Hashable, Sendable {
    public var bytes: Data
    public init(_ bytes: Data) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Data(text.utf8) }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

enum JSONWire {
    static let jsonbVersion: UInt8 = 1

    static func encode<T: Encodable>(_ value: T, into buffer: inout PGWriteBuffer, jsonb: Bool) throws(PGError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw PGError(.invalidParameter, "cannot encode \(T.self) as JSON: \(error)")
        }
        if jsonb { buffer.writeInteger(jsonbVersion) }
        buffer.writeBytes(data)
    }

    /// The JSON text of a json or jsonb value, without copying.
    static func text(_ buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) -> UnsafeRawBufferPointer {
        switch type {
        case PGDataType.jsonb.oid:
            let version = try buffer.readInteger(as: UInt8.self)
            guard version == jsonbVersion else { throw PGError(.decodingFailed, "unsupported jsonb version \(version)") }
            return buffer.readRemaining()
        case PGDataType.json.oid:
            return buffer.readRemaining()
        default:
            if PGDataType.textOIDs.contains(type) { return buffer.readRemaining() }
            throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as JSON")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ buffer: inout PGReadBuffer, oid: UInt32, context: borrowing PGDecodingContext) throws(PGError) -> T {
        let raw = try text(&buffer, type: oid, context: context)
        do {
            return try JSONDecoder().decode(T.self, from: Data(raw))
        } catch {
            throw PGError(.decodingFailed, "JSON does not decode as \(T.self): \(error)")
        }
    }
}

extension PGJSONB: PGCodable {
    public static var pgDataType: PGDataType { .jsonb }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { try JSONWire.encode(value, into: &buffer, jsonb: true) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        value = try JSONWire.decode(Value.self, &buffer, oid: type, context: context)
    }
}

extension PGJSON: PGCodable {
    public static var pgDataType: PGDataType { .json }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { try JSONWire.encode(value, into: &buffer, jsonb: false) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        value = try JSONWire.decode(Value.self, &buffer, oid: type, context: context)
    }
}

extension PGRawJSON: PGCodable {
    public static var pgDataType: PGDataType { .jsonb }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(JSONWire.jsonbVersion)
        buffer.writeBytes(bytes)
    }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        bytes = Data(try JSONWire.text(&buffer, type: type, context: context))
    }
}
