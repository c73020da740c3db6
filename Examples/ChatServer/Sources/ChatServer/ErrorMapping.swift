import Foundation
import Hummingbird
import PGKit
import Repositories

/// Turns the repositories' typed errors into 4xx responses with their message, and anything
/// else into a 500 (or 503 when the pool cannot serve) that names only the request id: SQL and
/// server text go to the log, never to the client.
struct ErrorMapping<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as RepositoryError {
            throw HTTPError(Self.status(of: error), message: error.description)
        } catch let error as PGError where error.kind == .poolTimeout || error.kind == .poolClosed {
            context.logger.warning("database unavailable", metadata: ["error.kind": "\(error.kind)"])
            throw HTTPError(.serviceUnavailable, message: "the database is busy or shutting down; retry (request \(context.id))")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw HTTPError(.internalServerError, message: "internal error (request \(context.id))")
        }
    }

    /// The status a repository error answers with.
    static func status(of error: RepositoryError) -> HTTPResponse.Status {
        switch error {
        case .notFound, .unknownUser, .unknownSession, .unknownMessage: return .notFound
        case .duplicateEmail, .duplicateName: return .conflict
        case .invalidCursor, .unknownColumn: return .badRequest
        default: return .unprocessableContent
        }
    }
}
