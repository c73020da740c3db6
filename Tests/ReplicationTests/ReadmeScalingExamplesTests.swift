import Foundation
import PGKit
import Repositories
import Testing

/// The README's scaling-out example compiles as written (it needs real hosts to run, which
/// ReplicationTests provides on loopback).
enum ReadmeScalingExamples {
    static func example(sessionID: UUID) async throws {
        let replicated = PGReplicatedPool(
            primary: try PGConfig("postgresql://app@db-primary/chat"),
            replicas: [try PGConfig("postgresql://app@db-replica-1/chat"), try PGConfig("postgresql://app@db-replica-2/chat")],
            maxReplicaLag: .seconds(5))
        let db = Database(replicated: replicated)

        try await db.messages.createMessage(content: "hi", role: .user, sessionId: sessionID)
        let page = try await db.readOnly { try await $0.messages.messages(inSession: sessionID) }
        let mine = try await db.messages.messages(inSession: sessionID)
        let count = try await replicated.read { try await $0.query("SELECT count(*) FROM messages").scalar(Int.self) }
        _ = (page, mine, count)
    }
}
