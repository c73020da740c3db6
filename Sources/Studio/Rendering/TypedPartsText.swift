import PGKit

/// How the row detail shows a JSON array of typed parts (every element an object with a
/// string `type`, as `messages.parts` holds): one line per part naming its type and its short
/// members, then its text, code and other long strings line by line, indented.
///
/// ```
/// [1] text
///     Here's my code:
/// [2] code · filename: x.ts · language: typescript
///     const x = 1;
/// [3] image · alt: a diagram · height: 480 · url: https://example.com/a.png · width: 640
/// ```
/// The lines are raw text: the renderer escapes and wraps them like any other value.
enum TypedPartsText {
    /// Members shown as lines of their own, whatever their length.
    static let bodyMembers: Set<String> = ["text", "code"]
    /// Longer strings go on lines of their own too.
    static let longestInline = 60

    /// The lines for `json`, or nil when it is not an array of typed parts.
    static func lines(_ json: String) -> [String]? {
        guard let value = try? PGJSONValue(parsing: json), case .array(let elements) = value, !elements.isEmpty else { return nil }
        var parts: [(type: String, members: [String: PGJSONValue])] = []
        for element in elements {
            guard case .object(let members) = element, case .string(let type)? = members["type"] else { return nil }
            parts.append((type, members))
        }
        var lines: [String] = []
        for (index, part) in parts.enumerated() {
            var header = "[\(index + 1)] \(part.type)"
            var body: [String] = []
            for key in part.members.keys.sorted() where key != "type" {
                let member = part.members[key]!
                if case .string(let text) = member, bodyMembers.contains(key) || text.contains("\n") || text.count > longestInline {
                    if !bodyMembers.contains(key) { body.append("    \(key):") }
                    body += text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                } else {
                    header += " · \(key): \(inline(member))"
                }
            }
            lines.append(header)
            lines += body
        }
        return lines
    }

    private static func inline(_ value: PGJSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array, .object: return (try? value.jsonText()) ?? ""
        }
    }
}
