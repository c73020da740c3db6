/// The limits the chat schema enforces (migrations 0001 and 0004), as values: the repositories
/// check them before a statement is sent and throw the typed `RepositoryError`; the database
/// checks the same limits again (CHECK constraints and triggers) for every other writer.
///
/// Lengths are in characters as PostgreSQL counts them (Unicode scalars).
public enum ChatRules {
    /// `users.name`: 1-100 letters, digits, spaces and hyphens.
    public static let nameLength = 1...100
    /// `users.image`: a URL of 1-2,048 characters.
    public static let imageLength = 1...2048
    /// `sessions.title`.
    public static let titleLength = 1...200
    /// `sessions.system_prompt`.
    public static let systemPromptLength = 0...2000
    /// `sessions.tags`: at most 20 tags of 1-50 characters.
    public static let maximumTags = 20
    public static let tagLength = 1...50
    /// Model identifiers (`sessions.model`, preferences' and metadata's models): 1-100 ASCII
    /// letters, digits and `. _ : / -`, starting with a letter or digit.
    public static let modelIdentifierLength = 1...100
    /// Language tags (`users.preferences.language`): BCP 47's form, `en`, `pt-BR`, `zh-Hant-TW`.
    public static let languageTagLength = 2...35
    /// `messages.parts`: at most 100 parts.
    public static let maximumParts = 100
    /// Replies nest at most 10 levels below the message that starts a thread.
    public static let maximumThreadLevel = 10

    // MARK: Checks, each throwing the typed error for its rule

    static func checkLength(_ text: String, _ field: String, _ allowed: ClosedRange<Int>) throws(RepositoryError) {
        let length = text.unicodeScalars.count
        guard allowed.contains(length) else { throw .lengthOutOfRange(field: field, allowed: allowed, length: length) }
    }

    static func checkRange(_ value: Double, _ field: String, _ allowed: ClosedRange<Double>) throws(RepositoryError) {
        guard allowed.contains(value) else { throw .valueOutOfRange(field: field, allowed: allowed, value: value) }
    }

    static func checkRange(_ value: Int, _ field: String, _ allowed: ClosedRange<Double>) throws(RepositoryError) {
        try checkRange(Double(value), field, allowed)
    }

    static func checkName(_ name: String) throws(RepositoryError) {
        guard isName(name) else { throw .invalidName(name) }
    }

    /// Letters and digits as ICU's `u_isalnum` (the database's `[[:alnum:]]` under the
    /// `und-x-icu` collation): general categories L and Nd.
    static func isName(_ name: String) -> Bool {
        guard nameLength.contains(name.unicodeScalars.count) else { return false }
        var hasLetterOrDigit = false
        for scalar in name.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
                hasLetterOrDigit = true
            default:
                guard scalar == " " || scalar == "-" else { return false }
            }
        }
        return hasLetterOrDigit
    }

    static func checkModel(_ model: String, _ field: String) throws(RepositoryError) {
        guard isModelIdentifier(model) else { throw .invalidFormat(field: field, value: model) }
    }

    static func isModelIdentifier(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard modelIdentifierLength.contains(scalars.count), isASCIIAlphanumeric(scalars[0]) else { return false }
        return scalars.dropFirst().allSatisfy { isASCIIAlphanumeric($0) || "._:/-".unicodeScalars.contains($0) }
    }

    static func checkLanguage(_ language: String, _ field: String) throws(RepositoryError) {
        guard isLanguageTag(language) else { throw .invalidFormat(field: field, value: language) }
    }

    /// `^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`, at most 35 characters.
    static func isLanguageTag(_ text: String) -> Bool {
        guard languageTagLength.contains(text.unicodeScalars.count) else { return false }
        let subtags = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = subtags.first, (2...3).contains(primary.unicodeScalars.count),
              primary.unicodeScalars.allSatisfy(isASCIILetter) else { return false }
        return subtags.dropFirst().allSatisfy { (1...8).contains($0.unicodeScalars.count) && $0.unicodeScalars.allSatisfy(isASCIIAlphanumeric) }
    }

    static func checkMIMEType(_ type: String, _ field: String) throws(RepositoryError) {
        guard isMIMEType(type) else { throw .invalidFormat(field: field, value: type) }
    }

    /// RFC 6838's `type/subtype`: each a letter or digit then up to 126 of letters, digits and
    /// `! # $ & - ^ _ . +` (no parameters).
    static func isMIMEType(_ text: String) -> Bool {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return false }
        return halves.allSatisfy { half in
            let scalars = Array(half.unicodeScalars)
            guard (1...127).contains(scalars.count), isASCIIAlphanumeric(scalars[0]) else { return false }
            return scalars.dropFirst().allSatisfy { isASCIIAlphanumeric($0) || "!#$&-^_.+".unicodeScalars.contains($0) }
        }
    }

    static func checkTags(_ tags: [String]) throws(RepositoryError) {
        guard tags.count <= maximumTags else { throw .tooManyItems(field: "sessions.tags", limit: maximumTags, count: tags.count) }
        for (index, tag) in tags.enumerated() { try checkLength(tag, "sessions.tags[\(index)]", tagLength) }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || ("0"..."9").contains(scalar)
    }
}
