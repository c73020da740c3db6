/// Something that runs statements: a `PGConnection` (one session) or a `PGPool` (any pooled
/// connection). Code that only needs to run statements, such as repositories, takes this so
/// that it works both inside and outside a transaction.
public protocol PGQueryable: Sendable {
    /// Runs a statement and returns its rows.
    @discardableResult
    func query(_ query: PGQuery) async throws -> PGQueryResult
    /// Runs a statement and returns the affected row count.
    @discardableResult
    func execute(_ query: PGQuery) async throws -> Int
    /// Runs `body` in a transaction (a savepoint when already in one).
    @discardableResult
    func transaction<T>(_ options: PGTransactionOptions, _ body: (PGConnection) async throws -> T) async throws -> T
    /// Bulk-loads rows with binary `COPY ... FROM STDIN`; returns the number of rows copied.
    @discardableResult
    func copyIn<Rows: Sequence & Sendable>(table: String, columns: [String], rows: Rows) async throws -> Int
        where Rows.Element == [any PGEncodable]
}

extension PGConnection: PGQueryable {}

extension PGPool: PGQueryable {
    /// Runs one statement once per row on a pooled connection (see `PGConnection.executeMany`).
    @discardableResult
    public func executeMany<Rows: Sequence & Sendable>(_ sql: String, _ rows: Rows) async throws -> Int
        where Rows.Element == [any PGEncodable] {
        try await withConnection { try await $0.executeMany(sql, rows) }
    }

    @discardableResult
    public func copyIn<Rows: Sequence & Sendable>(table: String, columns: [String], rows: Rows) async throws -> Int
        where Rows.Element == [any PGEncodable] {
        try await withConnection { try await $0.copyIn(table: table, columns: columns, rows: rows) }
    }
}
