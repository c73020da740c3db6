/// One row of a result. Values are decoded straight from libpq's buffer, by position or name:
/// ```swift
/// let (id, email) = try row.decode((Int64, String).self)
/// let name = try row.decode(String.self, column: "name")
/// let user = try row.decode(User.self)   // Decodable or PGRowDecodable
/// ```
public struct PGRow: Sendable {
    let storage: PGResultStorage
    let index: Int

    /// The columns of the result this row belongs to.
    public var columns: [PGColumn] { storage.columns }

    /// Whether the value at `column` is NULL.
    public func isNull(_ column: Int) -> Bool { storage.isNull(row: index, column: column) }

    /// The value at `column` (0-based) as `T`.
    public func decode<T: PGDecodable>(_ type: T.Type, at column: Int) throws(PGError) -> T {
        try decodeValue(type, at: column)
    }

    func decodeValue<T: PGDecodable>(_ type: T.Type, at column: Int) throws(PGError) -> T {
        guard column >= 0, column < storage.columnCount else {
            throw PGError(.decodingFailed, "column index \(column) is out of range (the row has \(storage.columnCount) columns)")
        }
        let oid = storage.typeOID(at: column)
        do {
            if storage.isNull(row: index, column: column) { return try T(pgNull: oid) }
            var buffer = PGReadBuffer(storage.bytes(row: index, column: column))
            return try T(pgBytes: &buffer, type: oid, context: storage.context)
        } catch {
            var enriched = error
            enriched.column = storage.columns[column].name
            enriched.message = "column \"\(storage.columns[column].name)\": \(error.message)"
            throw enriched
        }
    }

    /// The value in the column named `column` as `T`.
    public func decode<T: PGDecodable>(_ type: T.Type, column: String) throws(PGError) -> T {
        guard let position = storage.columnIndex(named: column) else {
            throw PGError(.decodingFailed, "the result has no column named \"\(column)\"")
        }
        return try decodeValue(type, at: position)
    }

    /// The whole row as a tuple, one element per column in order.
    public func decode<each T: PGDecodable>(_ types: (repeat each T).Type) throws(PGError) -> (repeat each T) {
        var count = 0
        for _ in repeat (each T).self { count += 1 }
        guard count == storage.columnCount else {
            throw PGError(.decodingFailed, "cannot decode \(storage.columnCount) columns into a tuple of \(count)")
        }
        var column = 0
        return (repeat try decodeNext((each T).self, &column))
    }

    private func decodeNext<U: PGDecodable>(_ type: U.Type, _ column: inout Int) throws(PGError) -> U {
        defer { column += 1 }
        return try decodeValue(type, at: column)
    }

    /// The row as a user type that decodes itself from rows.
    public func decode<T: PGRowDecodable>(_ type: T.Type) throws -> T {
        try T(row: self)
    }

    /// The row as a `Decodable` type: properties match columns by name (`createdAt` also
    /// matches `created_at`); JSON columns decode into nested `Decodable` values.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: PGRowDecoder(row: self))
    }
}

/// A type that builds itself from a row, the fastest way to decode (no key lookups):
/// ```swift
/// struct User: PGRowDecodable {
///     var id: Int64, email: String
///     init(row: PGRow) throws { (id, email) = try row.decode((Int64, String).self) }
/// }
/// ```
public protocol PGRowDecodable {
    init(row: PGRow) throws
}
