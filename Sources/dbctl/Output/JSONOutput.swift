import Foundation

/// Prints one JSON document to standard output, keys sorted, for scripts and CI.
///
/// Control characters inside strings are `\u` escapes, DEL and C1 (which JSON allows raw)
/// included: the same values for a program, nothing a terminal would act on.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        FileHandle.standardOutput.write(Data((escapingControls(text) + "\n").utf8))
    }

    /// `text` with U+007F–U+009F written as `\u` escapes (they can only be inside strings).
    static func escapingControls(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                result.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
