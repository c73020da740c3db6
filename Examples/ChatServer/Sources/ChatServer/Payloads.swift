import Foundation
import PGKit
import Repositories

/// `POST /users`.
struct CreateUser: Decodable {
    let email: String
    let name: String?
}

/// `POST /sessions`.
struct CreateSession: Decodable {
    let title: String?
    let model: String?
}

/// `POST /sessions/:id/messages`.
struct CreateMessage: Decodable {
    let content: String
    let role: MessageRole
}

/// `POST /memories`.
struct CreateMemory: Decodable {
    let content: String
    let embedding: [Float]
    let sessionId: UUID?
}

/// `POST /memories/search`.
struct SearchMemories: Decodable {
    let embedding: [Float]
    let limit: Int?
}

/// `POST /specializations`.
struct CreateSpecialization: Decodable {
    let name: String
    let description: String?
    let modelPath: String
}

/// A search hit.
struct MessageHit: Encodable, Sendable {
    let message: Message
    let rank: Double
}

/// A similar memory.
struct MemoryHit: Encodable, Sendable {
    let id: UUID
    let content: String
    let similarity: Double
}

/// `GET /health`.
struct Health: Encodable, Sendable {
    let status: String
    let pool: PoolCounts
}

/// The pool's counts, as `/health` shows them.
struct PoolCounts: Encodable, Sendable {
    let open, idle, inUse, waiting: Int

    init(_ statistics: PGPoolStatistics) {
        open = statistics.open
        idle = statistics.idle
        inUse = statistics.inUse
        waiting = statistics.waiting
    }
}
