import Foundation
import PGKit

/// How the repositories tell a live query (`Database.observe`) what each call reads: the call
/// declares its tables and rows around its statements; a statement run without a declaration
/// counts as a read of unknown tables (every change then re-runs the query).
enum LiveReads {
    /// Whether the statements running in this task were declared.
    @TaskLocal static var declared = false

    /// Runs `body`, whose statements read `reads`.
    static func declaring<T>(_ reads: [PGTableRead], _ body: () async throws -> T) async throws -> T {
        guard let recorder = PGReadTracking.recorder else { return try await body() }
        for read in reads { recorder.record(read) }
        return try await $declared.withValue(true) { try await body() }
    }

    /// A condition for `column` = `value` when the value's type decodes too (the repositories'
    /// keys and names); nil otherwise (the read then covers every row).
    static func equals(_ column: String, _ value: any PGEncodable) -> PGRowCondition? {
        switch value {
        case let value as UUID: .equals(column, value)
        case let value as String: .equals(column, value)
        case let value as Bool: .equals(column, value)
        case let value as Int64: .equals(column, value)
        case let value as Int32: .equals(column, value)
        default: nil
        }
    }
}

/// The executor of an observing `Database.observe` closure's repositories: statements that
/// no repository declared are recorded as reads of unknown tables.
struct ReadTrackingQueryable: PGQueryable {
    let base: any PGQueryable

    private func noteUndeclared() {
        if !LiveReads.declared { PGReadTracking.recorder?.recordUnknownRead() }
    }

    func query(_ query: PGQuery) async throws -> PGQueryResult {
        noteUndeclared()
        return try await base.query(query)
    }

    func execute(_ query: PGQuery) async throws -> Int {
        noteUndeclared()
        return try await base.execute(query)
    }

    func transaction<T>(_ options: PGTransactionOptions, _ body: (PGConnection) async throws -> T) async throws -> T {
        // Statements inside go to the connection directly: the body must declare what it reads.
        let before = PGReadTracking.recorder?.reads.count ?? 0
        let value = try await base.transaction(options, body)
        if !LiveReads.declared, let recorder = PGReadTracking.recorder, recorder.reads.count == before { recorder.recordUnknownRead() }
        return value
    }

    func copyIn<Rows: Sequence & Sendable>(table: String, columns: [String], rows: Rows) async throws -> Int
        where Rows.Element == [any PGEncodable] {
        noteUndeclared()
        return try await base.copyIn(table: table, columns: columns, rows: rows)
    }
}
