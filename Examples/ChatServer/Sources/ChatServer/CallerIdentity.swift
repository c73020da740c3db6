import Foundation
import HTTPTypes
import Hummingbird

/// The caller's user id, from the `X-User-Id` header. A real deployment puts an authentication
/// middleware in front that sets it from a verified token; here the header is trusted.
enum CallerIdentity {
    static let header = HTTPField.Name("X-User-Id")!

    /// The caller's id, or 401 when the header is missing or not a UUID.
    static func require(_ request: Request) throws -> UUID {
        guard let text = request.headers[header], let id = UUID(uuidString: text) else {
            throw HTTPError(.unauthorized, message: "send the caller's user id in the X-User-Id header")
        }
        return id
    }
}

extension RequestContext {
    /// A UUID path parameter, or 400.
    func uuid(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw HTTPError(.badRequest, message: "\(name) must be a UUID")
        }
        return id
    }
}
