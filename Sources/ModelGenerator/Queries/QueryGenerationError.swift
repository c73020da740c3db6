/// Why a query could not be turned into Swift: where (`file:line`), which query, and what the
/// server or the generator said.
public struct QueryGenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    /// The query's name, when the problem belongs to one.
    public let query: String?
    public let message: String

    public init(file: String, line: Int, query: String?, message: String) {
        self.file = file
        self.line = line
        self.query = query
        self.message = message
    }

    /// `queries/tags.sql:3: labelsInSession: column t.lable does not exist`
    public var description: String { "\(file):\(line): " + (query.map { "\($0): " } ?? "") + message }
}
