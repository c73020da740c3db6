import Foundation

/// Decodes a `Decodable` type from one row: each coding key names a column, either exactly or
/// in snake_case (`createdAt` reads `created_at`). Properties whose type is not a PostgreSQL
/// codec are read from json/jsonb columns with `JSONDecoder`.
struct PGRowDecoder: Decoder {
    let row: PGRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(row: row, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw PGError(.decodingFailed, "a row decodes into a keyed type (a struct), not an array")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw PGError(.decodingFailed, "a row decodes into a keyed type (a struct), not a single value")
    }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PGRow
    var codingPath: [any CodingKey]

    var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool { column(for: key) != nil }

    private func column(for key: Key) -> Int? {
        if let index = row.position(ofColumn: key.stringValue) { return index }
        return row.position(ofColumn: Self.snakeCase(key.stringValue))
    }

    private func requireColumn(_ key: Key) throws -> Int {
        guard let index = column(for: key) else {
            throw PGError(.decodingFailed, "the result has no column \"\(key.stringValue)\" (or \"\(Self.snakeCase(key.stringValue))\")")
        }
        return index
    }

    func decodeNil(forKey key: Key) throws -> Bool { row.isNull(try requireColumn(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let index = try requireColumn(key)
        if let codec = T.self as? any PGDecodable.Type {
            return try decodeCodec(codec, at: index) as! T
        }
        if row.isNull(index) {
            throw PGError(.decodingFailed, "column \"\(row.columns[index].name)\": unexpected NULL for non-optional \(T.self)")
        }
        var buffer = PGReadBuffer(row.bytes(at: index))
        do {
            return try JSONWire.decode(T.self, &buffer, oid: row.columns[index].typeOID, context: row.storage.context)
        } catch {
            var enriched = error
            enriched.column = row.columns[index].name
            enriched.message = "column \"\(row.columns[index].name)\": \(error.message)"
            throw enriched
        }
    }

    private func decodeCodec<U: PGDecodable>(_ type: U.Type, at index: Int) throws -> U {
        try row.decodeValue(type, at: index)
    }

    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try narrow(key) }

    private func narrow<T: FixedWidthInteger>(_ key: Key) throws -> T {
        let wide = try row.decodeValue(Int64.self, at: try requireColumn(key))
        guard let value = T(exactly: wide) else {
            throw PGError(.decodingFailed, "column \"\(key.stringValue)\": value \(wide) is out of range for \(T.self)")
        }
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw PGError(.decodingFailed, "nested containers are read from JSON columns; declare \(key.stringValue) as a Decodable type")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw PGError(.decodingFailed, "nested containers are read from JSON columns; declare \(key.stringValue) as a Decodable type")
    }

    func superDecoder() throws -> any Decoder { PGRowDecoder(row: row, codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { PGRowDecoder(row: row, codingPath: codingPath + [key]) }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
