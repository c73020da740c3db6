import Foundation
import Hummingbird
import PGKit
import Prometheus
import Repositories

/// The HTTP API over PGKit's chat repositories. Every user-scoped route runs in
/// `Database.asUser(caller)`, so row-level security keeps each caller to their own rows even if
/// a route forgot a filter.
struct ChatAPI: Sendable {
    let database: Database
    let metrics: PrometheusCollectorRegistry

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(LogRequestsMiddleware(.info))
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(TracingMiddleware())
        router.middlewares.add(ErrorMapping())

        router.get("health") { _, _ in try await health() }
        router.get("metrics") { _, _ in metrics.emitToString() }
        addUserRoutes(to: router)
        addSessionRoutes(to: router)
        addMessageRoutes(to: router)
        addCharacterFileRoutes(to: router)
        addMemoryRoutes(to: router)
        addSpecializationRoutes(to: router)
        return router
    }

    /// 200 with the pool's counts when a statement goes through, 503 otherwise.
    func health() async throws -> EditedResponse<JSONBody<Health>> {
        do {
            try await database.pool.query("SELECT 1")
            return EditedResponse(status: .ok, response: JSONBody(Health(status: "ok", pool: PoolCounts(database.pool.statistics))))
        } catch {
            return EditedResponse(status: .serviceUnavailable, response: JSONBody(Health(status: "unavailable", pool: PoolCounts(database.pool.statistics))))
        }
    }

    /// The page a request asks for with `?limit=` and `?after=`.
    static func pageRequest(_ request: Request) -> PageRequest {
        PageRequest(limit: request.uri.queryParameters.get("limit", as: Int.self) ?? 20,
                    after: request.uri.queryParameters.get("after"))
    }

    /// The caller's session, or 404 (another user's session is as unknown as a missing one).
    static func requireSession(_ id: UUID, of caller: UUID, in repositories: ChatRepositories) async throws -> Session {
        guard let session = try await repositories.sessions.find(id: id, userId: caller) else {
            throw RepositoryError.unknownSession(id)
        }
        return session
    }
}
