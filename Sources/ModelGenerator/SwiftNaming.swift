/// Swift names for SQL names: `character_files` gives the type `CharacterFile`, `model_path`
/// the property `modelPath`.
enum SwiftNaming {
    /// Splits a SQL name into words at anything that cannot be part of a Swift identifier, so
    /// `my col`, `a-b` and `"; DROP` still give valid (if odd) Swift names.
    static func words(_ name: String) -> [String] {
        let cleaned = name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        return String(cleaned).split(separator: "_").map(String.init)
    }

    static func typeName(forTable table: String) -> String {
        let words = Self.words(table)
        guard let last = words.last else { return "Record" }
        let name = (words.dropLast() + [singular(last)]).map(capitalized).joined()
        return name.first?.isNumber == true ? "T" + name : name
    }

    static func propertyName(forColumn column: String) -> String {
        let words = Self.words(column)
        guard let first = words.first else { return "value" }
        var name = first.lowercased() + words.dropFirst().map(capitalized).joined()
        if name.first?.isNumber == true { name = "c" + name }
        return reserved.contains(name) ? "`\(name)`" : name
    }

    /// A property or argument name for a name a query chose (`created_at`, `sessionId`,
    /// `"latestAt"`): snake_case becomes camelCase, and camelCase stays as written.
    static func identifierName(forQueryName name: String) -> String {
        let words = Self.words(name)
        guard let first = words.first else { return "value" }
        func mixed(_ word: String) -> Bool { word.contains(where: \.isUppercase) && word.contains(where: \.isLowercase) }
        let head = mixed(first) ? first.prefix(1).lowercased() + first.dropFirst() : first.lowercased()
        let tail = words.dropFirst().map { mixed($0) ? $0.prefix(1).uppercased() + $0.dropFirst() : capitalized($0) }
        var result = head + tail.joined()
        if result.first?.isNumber == true { result = "c" + result }
        return reserved.contains(result) ? "`\(result)`" : result
    }

    static func singular(_ word: String) -> String {
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("sses") || word.hasSuffix("xes") || word.hasSuffix("ches") || word.hasSuffix("shes") {
            return String(word.dropLast(2))
        }
        if word.hasSuffix("ss") { return word }
        if word.hasSuffix("s") { return String(word.dropLast()) }
        return word
    }

    private static func capitalized(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst().lowercased()
    }

    private static let reserved: Set<String> = [
        "class", "struct", "enum", "protocol", "func", "var", "let", "default", "case", "switch", "if", "else",
        "for", "while", "return", "import", "public", "private", "internal", "static", "self", "Self", "type",
        "in", "is", "as", "do", "try", "catch", "throw", "throws", "where", "extension", "operator", "init", "deinit",
        "subscript", "repeat", "guard", "defer", "break", "continue", "fallthrough", "nil", "true", "false", "super",
    ]
}
