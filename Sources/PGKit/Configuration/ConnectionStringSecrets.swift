import Foundation

/// The password (in every spelling) found in a connection string, so that error messages
/// about that string can have it blanked out even when the string does not parse.
struct ConnectionStringSecrets {
    private(set) var values: [String] = []

    static func find(in string: String) -> ConnectionStringSecrets {
        var secrets = ConnectionStringSecrets()
        if let scheme = string.range(of: "://") {
            let afterScheme = string[scheme.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                secrets.add(String(authority[authority.index(after: colon)..<at]))
            }
            if let query = string.firstIndex(of: "?") {
                for pair in string[string.index(after: query)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0] == "password" { secrets.add(String(parts[1])) }
                }
            }
        } else if let pairs = try? KeyValueConnectionString.parse(string) {
            for pair in pairs where pair.key == "password" { secrets.add(pair.value) }
        } else if let range = string.range(of: "password") {
            // Unparseable: blank everything after the keyword up to the next space.
            let rest = string[range.upperBound...].drop(while: { $0 == " " || $0 == "=" })
            secrets.add(String(rest.prefix(while: { $0 != " " })))
        }
        return secrets
    }

    private mutating func add(_ secret: String) {
        guard !secret.isEmpty else { return }
        values.append(secret)
        if let decoded = secret.removingPercentEncoding, decoded != secret { values.append(decoded) }
    }

    /// `text` with every secret replaced by `********`, and every quoted fragment of the input
    /// that is not shaped like an option name replaced by `"…"`: in a garbled string (a missing
    /// `=`, a stray quote) any fragment might be a password.
    func redact(_ text: String) -> String {
        var result = text
        for secret in values.sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: secret, with: "********")
        }
        return Self.hidingUnsafeFragments(result)
    }

    static func hidingUnsafeFragments(_ text: String) -> String {
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return text }
        var result = String(parts[0])
        for (index, part) in parts.enumerated().dropFirst() {
            let isQuoted = index % 2 == 1 && index < parts.count - 1
            let safe = part.count <= 40 && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "=") }
            result += "\"" + (isQuoted && !safe ? "…" : String(part))
        }
        return result
    }
}
