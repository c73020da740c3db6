/// A query with what the server said about it, in Swift terms: what the generator writes.
public struct DescribedQuery: Sendable, Equatable {
    /// A function parameter.
    public struct Parameter: Sendable, Equatable {
        /// The argument label (`sessionId`), or nil for a positional `$n` (unlabelled).
        public let label: String?
        /// The Swift type, `?` included for an optional one.
        public let swiftType: String
        /// The server's type name (`uuid`), for the doc comment.
        public let sqlType: String
    }

    /// A row property.
    public struct Column: Sendable, Equatable {
        /// The result column's name as the server reports it (`name!` included).
        public let name: String
        public let property: String
        /// The Swift type without `?`.
        public let swiftType: String
        public let isOptional: Bool
        /// Why the column is (or is not) Optional, for the doc comment: `messages.content, not null`.
        public let origin: String
    }

    public let query: CheckedQuery
    public let parameters: [Parameter]
    public let columns: [Column]
}
