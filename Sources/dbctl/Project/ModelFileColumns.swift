import Foundation

/// The tables and columns a directory of generated models reads, from the literals
/// `dbctl generate` writes in each file: `static let tableName = "tags"` and
/// `static let columnNames = ["id", "label"]`. Files without both are not models and are skipped.
enum ModelFileColumns {
    struct Model: Equatable {
        let file: String
        let table: String
        let columns: [String]
    }

    /// The models in `directory` (not its subdirectories), in file name order; none when it
    /// does not exist.
    static func read(_ directory: URL) -> [Model] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.sorted().filter { $0.hasSuffix(".swift") }.compactMap { file in
            guard let source = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else { return nil }
            return model(in: source, file: file)
        }
    }

    /// The model a Swift file's source declares, if it declares one.
    static func model(in source: String, file: String) -> Model? {
        guard let tableStart = source.range(of: "static let tableName = ")?.upperBound,
              let (table, _) = literal(in: source, at: tableStart),
              var index = source.range(of: "static let columnNames = [")?.upperBound else { return nil }
        var columns: [String] = []
        while let (column, end) = literal(in: source, at: index) {
            columns.append(column)
            index = source[end...].firstIndex { $0 != "," && $0 != " " } ?? source.endIndex
        }
        guard index < source.endIndex, source[index] == "]" else { return nil }
        return Model(file: file, table: table, columns: columns)
    }

    /// The Swift string literal starting at `index` (its opening quote), with `\"` and `\\`
    /// unescaped, and the index after its closing quote.
    private static func literal(in source: String, at index: String.Index) -> (String, String.Index)? {
        guard index < source.endIndex, source[index] == "\"" else { return nil }
        var value = ""
        var index = source.index(after: index)
        while index < source.endIndex {
            let character = source[index]
            index = source.index(after: index)
            if character == "\"" { return (value, index) }
            if character == "\\", index < source.endIndex {
                value.append(source[index])
                index = source.index(after: index)
            } else {
                value.append(character)
            }
        }
        return nil
    }
}
