/// "Did you mean 'deploy'?" for a mistyped subcommand (swift-argument-parser suggests options only).
enum CommandSuggestion {
    static func message(for arguments: [String], commands: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first) else { return nil }
        let best = commands.map { ($0, distance(first, $0)) }.min { $0.1 < $1.1 }
        var text = "unknown command '\(first)'."
        if let (name, score) = best, score <= max(2, first.count / 2) { text += " Did you mean '\(name)'?" }
        return text + " See 'dbctl --help'."
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
