/// Rewrites `@name` parameters to `$n` (the first name `$1`, and so on; a name used twice is
/// one parameter), outside strings, comments and quoted identifiers.
enum NamedParameters {
    static func rewrite(_ text: String, file: String, line: Int, query: String) throws(QueryGenerationError) -> (String, [CheckedQuery.Parameter]) {
        let tokens = SQLLexer.tokens(text)
        let named = tokens.filter { if case .namedParameter = $0.kind { return true } else { return false } }
        guard !named.isEmpty else { return (text, []) }
        if tokens.contains(where: { $0.kind == .positionalParameter }) {
            throw QueryGenerationError(file: file, line: line, query: query,
                                       message: "the query mixes named (@name) and positional ($1) parameters; use one kind")
        }
        let scalars = Array(text.unicodeScalars)
        var parameters: [CheckedQuery.Parameter] = []
        var result = String.UnicodeScalarView()
        var copied = 0
        for token in named {
            guard case .namedParameter(let optional) = token.kind else { continue }
            result.append(contentsOf: scalars[copied..<token.range.lowerBound])
            let index: Int
            if let existing = parameters.firstIndex(where: { $0.name == token.text }) {
                if parameters[existing].isOptional != optional {
                    throw QueryGenerationError(file: file, line: line, query: query,
                                               message: "@\(token.text) is written both with and without `?`; mark it the same way everywhere")
                }
                index = existing + 1
            } else {
                parameters.append(CheckedQuery.Parameter(name: token.text, isOptional: optional))
                index = parameters.count
            }
            result.append(contentsOf: "$\(index)".unicodeScalars)
            copied = token.range.upperBound
        }
        result.append(contentsOf: scalars[copied...])
        return (String(result), parameters)
    }
}
