import Foundation

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
        let line: String
        if jsonLines {
            var object: [String: Any] = [:]
            for (column, value) in zip(columns, values) { object[column] = value ?? NSNull() }
            line = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        } else {
            line = values.map { $0.map(Self.csvField) ?? "" }.joined(separator: ",")
        }
        handle.write(Data((line + "\n").utf8))
    }

    func close() { try? handle.close() }

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
