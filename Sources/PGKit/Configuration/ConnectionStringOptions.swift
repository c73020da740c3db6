import Foundation

/// Takes PGKit's own settings (such as `pgbouncer=true`) out of a connection string, leaving
/// a string that libpq accepts: libpq rejects parameters it does not know.
enum ConnectionStringOptions {
    static func extract(_ keys: Set<String>, from string: String, into settings: inout [String: String],
                        secrets: ConnectionStringSecrets) throws(PGError) -> String {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            guard let queryStart = trimmed.firstIndex(of: "?") else { return trimmed }
            let base = trimmed[..<queryStart]
            var kept: [Substring] = []
            for pair in trimmed[trimmed.index(after: queryStart)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                let key = String(parts[0])
                if keys.contains(key) {
                    settings[key] = parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : ""
                } else {
                    kept.append(pair)
                }
            }
            return kept.isEmpty ? String(base) : base + "?" + kept.joined(separator: "&")
        }
        if trimmed.contains("://") {
            throw PGError(.invalidConfiguration, "unsupported URL scheme; use postgresql:// or postgres://")
        }
        let pairs: [KeyValueConnectionString.Pair]
        do {
            pairs = try KeyValueConnectionString.parse(trimmed)
        } catch {
            throw PGError(.invalidConfiguration, secrets.redact(error.message))
        }
        var kept: [KeyValueConnectionString.Pair] = []
        for pair in pairs {
            if keys.contains(pair.key) { settings[pair.key] = pair.value } else { kept.append(pair) }
        }
        return kept.map { "\($0.key)=\(PGConfig.quote($0.value))" }.joined(separator: " ")
    }
}

/// libpq's `key=value` syntax: values may be single-quoted, with `\'` and `\\` escapes.
enum KeyValueConnectionString {
    struct Pair { var key: String; var value: String }

    static func parse(_ string: String) throws(PGError) -> [Pair] {
        var pairs: [Pair] = []
        let characters = Array(string)
        var index = 0
        func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }
        while true {
            skipSpaces()
            guard index < characters.count else { break }
            var key = ""
            while index < characters.count, characters[index] != "=", !characters[index].isWhitespace {
                key.append(characters[index]); index += 1
            }
            skipSpaces()
            guard index < characters.count, characters[index] == "=" else {
                throw PGError(.invalidConfiguration, "missing \"=\" after \"\(key)\" in connection string")
            }
            index += 1
            skipSpaces()
            var value = ""
            if index < characters.count, characters[index] == "'" {
                index += 1
                var closed = false
                while index < characters.count {
                    let character = characters[index]
                    if character == "\\", index + 1 < characters.count {
                        value.append(characters[index + 1]); index += 2; continue
                    }
                    if character == "'" { closed = true; index += 1; break }
                    value.append(character); index += 1
                }
                guard closed else { throw PGError(.invalidConfiguration, "unterminated quoted value for \"\(key)\"") }
            } else {
                while index < characters.count, !characters[index].isWhitespace {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    value.append(characters[index]); index += 1
                }
            }
            pairs.append(Pair(key: key, value: value))
        }
        return pairs
    }
}
