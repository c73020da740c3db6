/// The complete result of one statement: its rows (a random-access collection of `PGRow`),
/// columns and the number of rows it affected.
///
/// ```swift
/// for row in try await conn.query("SELECT id, email FROM users") {
///     let (id, email) = try row.decode((UUID, String).self)
/// }
/// let users = try await conn.query("SELECT * FROM users").decode(User.self)
/// ```
public struct PGQueryResult: RandomAccessCollection, Sendable {
    let storage: PGResultStorage

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }
    public subscript(position: Int) -> PGRow { PGRow(storage: storage, index: position) }

    /// The result's columns.
    public var columns: [PGColumn] { storage.columns }
    /// Rows inserted, updated, deleted, selected, copied... as the command tag says.
    public var affectedRows: Int { storage.affectedRows }
    /// The server's command tag, such as `INSERT 0 1`.
    public var commandTag: String { storage.commandTag }

    /// Every row decoded as a `Decodable` type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> [T] { try map { try $0.decode(type) } }

    /// Every row decoded as a `PGRowDecodable` type.
    public func decode<T: PGRowDecodable>(_ type: T.Type) throws -> [T] { try map { try T(row: $0) } }

    /// Every row decoded as a tuple.
    public func decode<each T: PGDecodable>(_ types: (repeat each T).Type) throws(PGError) -> [(repeat each T)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row through `decodeRow`, in order (the tuple overloads share it).
    @inlinable
    func decodeRows<Row>(_ decodeRow: (PGRow) throws(PGError) -> Row) throws(PGError) -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(count)
        for row in self { rows.append(try decodeRow(row)) }
        return rows
    }

    /// The first row's first column, or nil when there are no rows.
    public func scalar<T: PGDecodable>(_ type: T.Type = T.self) throws(PGError) -> T? {
        guard let first else { return nil }
        return try first.decode(type, at: 0)
    }
}
