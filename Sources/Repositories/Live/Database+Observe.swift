import PGKit

extension Database {
    /// A live query over the repositories: the result of `body` now, then again after every
    /// committed change to what it read, only when the result differs (see `PGLiveQuery`).
    ///
    /// ```swift
    /// for try await page in db.observe({ repos in try await repos.messages.messages(inSession: id) }) {
    ///     render(page.items)
    /// }
    /// ```
    /// Each repository call declares what it reads (`messages(inSession:)`: the messages whose
    /// `session_id` is `id`), so changes to other sessions' rows do not re-run it. The closure
    /// runs on the pool (with row-level security as the `Database` is set up); the change feed
    /// is `live`'s, started on the first `next()`.
    public func observe<Value: Equatable & Sendable>(_ body: @escaping @Sendable (ChatRepositories) async throws -> Value) -> PGLiveQuery<Value> {
        let repositories = ChatRepositories(RepositoryContext(executor: ReadTrackingQueryable(base: pool), setsCurrentUser: rowLevelSecurity))
        let live = self.live
        return PGLiveQuery(feed: { try await live.changeFeed() }) { try await body(repositories) }
    }
}
