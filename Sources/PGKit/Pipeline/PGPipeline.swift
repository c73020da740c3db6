/// Statements to send together in libpq's pipeline mode: all go out without waiting for each
/// reply, and the results come back in order, one round trip for the whole batch.
///
/// ```swift
/// var pipeline = PGPipeline()
/// for message in messages {
///     pipeline.append("INSERT INTO messages (session_id, role, content) VALUES (\(id), 'user', \(message))")
/// }
/// let results = try await conn.execute(pipeline)   // [Result<PGQueryResult, PGError>], in order
/// ```
/// As libpq defines it, a failed statement makes the rest of its batch fail with
/// `pipelineAborted` without running; with `transactional` (the default) the batch also runs
/// in one implicit transaction, so nothing of a failed batch is kept.
public struct PGPipeline: Sendable {
    public private(set) var queries: [PGQuery] = []
    /// Whether the batch is one unit: statements after a failure do not run and earlier ones
    /// are rolled back (one sync point). Without it, each statement has its own sync point.
    public var transactional: Bool

    public init(transactional: Bool = true) { self.transactional = transactional }

    public mutating func append(_ query: PGQuery) { queries.append(query) }

    /// Appends `sql` with explicit parameters for `$1`, `$2`... For a batch that repeats one
    /// statement, pass the same `sql` each time: nothing is interpolated per row, and the
    /// statement is recognised as a repeat without comparing its text.
    /// ```swift
    /// let insert = "INSERT INTO notes (id, body) VALUES ($1, $2)"
    /// for note in notes { pipeline.append(insert, [note.id, note.body]) }
    /// ```
    public mutating func append(_ sql: String, _ parameters: [any PGEncodable]) {
        queries.append(PGQuery(sql, parameters: parameters))
    }

    /// Reserves room for `count` statements.
    public mutating func reserveCapacity(_ count: Int) { queries.reserveCapacity(count) }

    public var count: Int { queries.count }
    public var isEmpty: Bool { queries.isEmpty }
}

extension PGError {
    /// A statement skipped because an earlier statement of its pipeline failed.
    public static func pipelineAborted() -> PGError {
        PGError(.server, "not run: an earlier statement in the pipeline failed")
    }

    /// Whether this is the error of a statement skipped after an earlier pipeline failure.
    public var isPipelineAborted: Bool { kind == .server && sqlState == nil && message.hasPrefix("not run: an earlier statement") }
}
