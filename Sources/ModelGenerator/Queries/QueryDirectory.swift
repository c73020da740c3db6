import Foundation

/// The `.sql` files of a project's queries directory (not its subdirectories), parsed.
public enum QueryDirectory {
    /// The queries of each file, in file name order; none when `directory` does not exist.
    /// `displayPrefix` is how messages name the directory (`queries`).
    public static func load(_ directory: URL, displayPrefix: String) throws -> [(file: String, queries: [CheckedQuery])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var files: [(file: String, queries: [CheckedQuery])] = []
        var seen: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".sql") {
            let display = displayPrefix.isEmpty ? name : displayPrefix + "/" + name
            let contents: String
            do {
                contents = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            } catch {
                throw QueryGenerationError(file: display, line: 1, query: nil, message: "cannot be read as UTF-8 text")
            }
            let queries = try QueryFileParser.parse(contents, file: display)
            for query in queries {
                if let other = seen[query.name] {
                    throw QueryGenerationError(file: display, line: query.line, query: query.name, message: "\(other) already has a query of this name")
                }
                seen[query.name] = query.location
            }
            files.append((display, queries))
        }
        return files
    }
}
