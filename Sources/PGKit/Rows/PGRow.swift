/// One row of a result. Values are decoded straight from libpq's buffer, by position or name:
/// ```swift
/// let (id, email) = try row.decode((Int64, String).self)
/// let name = try row.decode(String.self, column: "name")
/// let user = try row.decode(User.self)   // Decodable or PGRowDecodable
/// ```
/// A join's row holds several records side by side; `suffix(from:)` is the row from a column
/// on, so each record decodes from its own first column:
/// ```swift
/// let session = try Session(row: row)
/// let message = try Message(row: row.suffix(from: Session.columnNames.count))
/// ```
public struct PGRow: Sendable {
    @usableFromInline let storage: PGResultStorage
    @usableFromInline let index: Int
    /// The result column this row's column 0 is (0 except in a `suffix(from:)`).
    @usableFromInline let firstColumn: Int

    init(storage: PGResultStorage, index: Int) {
        self.storage = storage
        self.index = index
        firstColumn = 0
    }

    private init(storage: PGResultStorage, index: Int, firstColumn: Int) {
        self.storage = storage
        self.index = index
        self.firstColumn = firstColumn
    }

    /// The columns of this row (the result's, from `firstColumn` on in a suffix).
    public var columns: [PGColumn] { firstColumn == 0 ? storage.columns : Array(storage.columns[firstColumn...]) }

    /// The number of columns of this row.
    @inlinable
    public var columnCount: Int { storage.columnCount - firstColumn }

    /// The same row from `column` on: its column 0 is this row's `column`. For decoding one
    /// record of a join from where its columns start.
    public func suffix(from column: Int) -> PGRow {
        precondition(column >= 0 && column <= columnCount, "column \(column) is outside the row's \(columnCount) columns")
        return PGRow(storage: storage, index: index, firstColumn: firstColumn + column)
    }

    /// Whether the value at `column` is NULL.
    public func isNull(_ column: Int) -> Bool { storage.isNull(row: index, column: firstColumn + column) }

    /// The position of the first column named `name` in this row.
    func position(ofColumn name: String) -> Int? {
        guard let position = storage.columnIndex(named: name) else { return nil }
        if position >= firstColumn { return position - firstColumn }
        return storage.columns[firstColumn...].firstIndex { $0.name == name }.map { $0 - firstColumn }
    }

    /// The raw bytes of the value at `column` (not NULL).
    func bytes(at column: Int) -> UnsafeRawBufferPointer { storage.bytes(row: index, column: firstColumn + column) }

    /// The value at `column` (0-based) as `T`.
    @inlinable
    public func decode<T: PGDecodable>(_ type: T.Type, at column: Int) throws(PGError) -> T {
        try decodeValue(type, at: column)
    }

    // The decoding path is inlinable so that an app's call specializes it for its own types
    // (direct calls to each type's decoder instead of generic dispatch per value); what it
    // reads from libpq stays behind `PGResultStorage.value(row:column:)`.
    @inlinable
    func decodeValue<T: PGDecodable>(_ type: T.Type, at column: Int) throws(PGError) -> T {
        guard column >= 0, column < columnCount else { throw outOfRange(column) }
        let position = firstColumn + column
        let (oid, value) = storage.value(row: index, column: position)
        do {
            guard let value else { return try T(pgNull: oid) }
            var buffer = PGReadBuffer(value)
            return try T(pgBytes: &buffer, type: oid, context: storage.context)
        } catch {
            throw naming(error, position)
        }
    }

    @usableFromInline
    func outOfRange(_ column: Int) -> PGError {
        PGError(.decodingFailed, "column index \(column) is out of range (the row has \(columnCount) columns)")
    }

    /// `error` with the name of the result column it came from.
    @usableFromInline
    func naming(_ error: PGError, _ position: Int) -> PGError {
        var enriched = error
        enriched.column = storage.columns[position].name
        enriched.message = "column \"\(storage.columns[position].name)\": \(error.message)"
        return enriched
    }

    /// The value in the column named `column` as `T`.
    public func decode<T: PGDecodable>(_ type: T.Type, column: String) throws(PGError) -> T {
        guard let position = position(ofColumn: column) else {
            throw PGError(.decodingFailed, "the result has no column named \"\(column)\"")
        }
        return try decodeValue(type, at: position)
    }

    /// The whole row as a tuple, one element per column in order.
    @inlinable
    public func decode<each T: PGDecodable>(_ types: (repeat each T).Type) throws(PGError) -> (repeat each T) {
        var count = 0
        for _ in repeat (each T).self { count += 1 }
        guard count == columnCount else { throw columnCountMismatch(count) }
        var column = 0
        return (repeat try decodeNext((each T).self, &column))
    }

    @usableFromInline
    func columnCountMismatch(_ count: Int) -> PGError {
        PGError(.decodingFailed, "cannot decode \(columnCount) columns into a tuple of \(count)")
    }

    @inlinable
    func decodeNext<U: PGDecodable>(_ type: U.Type, _ column: inout Int) throws(PGError) -> U {
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
