import Foundation
import PGKit

/// A file an export writes row by row: CSV with a header line, or JSON lines when the path
/// ends in .jsonl or .json. Nothing is held but the row being written.
struct StudioExportFile {
    let handle: FileHandle
    let columns: [String]
    let jsonLines: Bool

    init(path: String, columns: [String]) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw StudioExportError.cannotWrite(path)
        }
        self.handle = handle
        self.columns = columns
        jsonLines = path.hasSuffix(".jsonl") || path.hasSuffix(".json")
        if !jsonLines { handle.write(Data((columns.map(Self.csvField).joined(separator: ",") + "\n").utf8)) }
    }

    func write(_ values: [String?]) throws {
        handle.write(Data(try line(values).utf8))
    }

    /// One row as a line of the file, newline included.
    func line(_ values: [String?]) throws -> String {
        if jsonLines {
            var object: [String: Any] = [:]
            for (column, value) in zip(columns, values) { object[column] = value ?? NSNull() }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        return values.map { $0.map(Self.csvField) ?? "" }.joined(separator: ",") + "\n"
    }

    func close() { try? handle.close() }

    static let cursorName = "pgkit_studio_export"

    /// Declares `query` as a cursor (inside the caller's transaction) and writes its rows a
    /// thousand at a time, so memory holds one batch whatever the row count. Cancelling the
    /// task stops it between batches, or cancels the batch on the server.
    func write(declaring query: PGQuery, on connection: PGConnection) async throws -> Int {
        var declare = query
        declare.sql = "DECLARE \(Self.cursorName) NO SCROLL CURSOR FOR " + query.sql
        try await connection.execute(declare)
        var count = 0
        while true {
            try Task.checkCancellation()
            let batch = try await connection.textResults("FETCH FORWARD 1000 FROM \(Self.cursorName)", keepingRows: 1000).last ?? PGTextResult()
            var chunk = ""
            for row in batch.rows { chunk += try line(Array(row.prefix(columns.count))) }
            handle.write(Data(chunk.utf8))
            count += batch.rows.count
            if batch.rows.count < 1000 { break }
        }
        try await connection.executeScript("CLOSE \(Self.cursorName)")
        return count
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

enum StudioExportError: Error, CustomStringConvertible {
    case cannotWrite(String)
    case notAQuery
    var description: String {
        switch self {
        case .cannotWrite(let path): return "cannot write \(path)"
        case .notAQuery: return "only a query's result can be exported (this SQL ran once and is not run again); export a SELECT, or use COPY"
        }
    }
}
