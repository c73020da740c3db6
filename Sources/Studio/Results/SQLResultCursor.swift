import PGKit
import Synchronization

/// A query from the SQL prompt, open as a scrollable cursor in a read-only transaction on a
/// connection of its own: pages are fetched when asked for, so only one page is ever held, and
/// browsing tables goes on beside it on the studio's main connection.
final class SQLResultCursor: Sendable {
    static let name = "pgkit_studio_result"
    let connection: PGConnection
    let query: String
    let columns: [String]
    /// Whether the cursor's transaction is usable (a cancelled or failed fetch aborts it).
    private let isOpen = Mutex(true)

    private init(connection: PGConnection, query: String, columns: [String]) {
        self.connection = connection
        self.query = query
        self.columns = columns
    }

    /// Looks up the query's columns without running it (`LIMIT 0`), then declares the cursor,
    /// every value as text cut to `StudioLimits.valueCharacters` (plus one, to tell a cut value).
    static func open(_ query: String, config: PGConfig) async throws -> SQLResultCursor {
        let connection = try await PGConnection.connect(config)
        do {
            try await connection.executeScript("BEGIN READ ONLY")
            let probe = try await connection.textResults(probeSQL(query), keepingRows: 0)
            let columns = probe.last?.columns ?? []
            guard !columns.isEmpty else { throw StudioSQLError.noColumns }
            try await connection.executeScript(declareSQL(query, columnCount: columns.count))
            return SQLResultCursor(connection: connection, query: query, columns: columns)
        } catch {
            await connection.close()
            throw error
        }
    }

    static func probeSQL(_ query: String) -> String { "SELECT * FROM (\n\(query)\n) AS studio_query LIMIT 0" }

    static func declareSQL(_ query: String, columnCount: Int) -> String {
        let names = (1...columnCount).map { "c\($0)" }
        let values = names.map { "left(\($0)::text, \(StudioLimits.valueCharacters + 1))" }
        return "DECLARE \(name) SCROLL CURSOR FOR SELECT \(values.joined(separator: ", ")) FROM (\n\(query)\n) AS studio_query(\(names.joined(separator: ", ")))"
    }

    /// Every row, values whole, as text: what an export writes.
    static func exportSQL(_ query: String, columnCount: Int) -> String {
        let names = (1...columnCount).map { "c\($0)" }
        return "SELECT \(names.map { "\($0)::text" }.joined(separator: ", ")) FROM (\n\(query)\n) AS studio_query(\(names.joined(separator: ", ")))"
    }

    /// Rows `offset ..< offset + size`, plus one more when there is one (so the caller knows).
    func rows(at offset: Int, size: Int) async throws -> PGTextResult {
        try await reopenIfAborted()
        do {
            let results = try await connection.textResults(
                "MOVE ABSOLUTE \(offset) FROM \(Self.name); FETCH FORWARD \(size + 1) FROM \(Self.name)", keepingRows: size + 1)
            return results.last ?? PGTextResult()
        } catch {
            isOpen.withLock { $0 = false }
            throw error
        }
    }

    /// Writes every row (values whole) to `file`, through a second cursor in the same transaction.
    func export(to file: StudioExportFile) async throws -> Int {
        try await reopenIfAborted()
        do {
            return try await file.write(declaring: PGQuery(Self.exportSQL(query, columnCount: columns.count)), on: connection)
        } catch {
            isOpen.withLock { $0 = false }
            throw error
        }
    }

    /// After a cancelled or failed fetch the transaction is aborted: start it and the cursor again.
    private func reopenIfAborted() async throws {
        guard !isOpen.withLock({ $0 }) else { return }
        try await connection.executeScript("ROLLBACK; BEGIN READ ONLY")
        try await connection.executeScript(Self.declareSQL(query, columnCount: columns.count))
        isOpen.withLock { $0 = true }
    }

    /// Ends the transaction and the connection.
    func close() async {
        await connection.close()
    }
}

/// Why the SQL prompt cannot read a query through a cursor.
enum StudioSQLError: Error, CustomStringConvertible {
    case noColumns
    var description: String { "the query returns no columns" }
}
