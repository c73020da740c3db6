import Foundation
import Migrator
import PGKit
import PGKitTestSupport
import Repositories
import Testing

/// The repositories through PgBouncer in transaction mode (no protocol-level prepared
/// statements in 1.18, no session state): 8 concurrent tasks, a pool of 20 client connections,
/// 4 server connections.
@Suite(.serialized) struct PgBouncerTests {
    @Test func theRepositoriesMainPathsWorkThroughPgBouncer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-bouncer-\(UInt32.random(in: 0...UInt32.max))")
        let server = try PGConfig(try await ReplicaSet.run(["start", directory.appendingPathComponent("server").path]))
        try await Migrator(config: server, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
        let bouncerScript = ProjectPaths.root.appendingPathComponent("scripts/pg-bouncer").path
        let started = try await CommandRun.run(bouncerScript, ["start", directory.appendingPathComponent("bouncer").path, String(server.port!), "4"])
        let config = try PGConfig(started.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(config.usesUnnamedStatements, "pgbouncer=true in the URL")
        let db = Database(pool: PGPool(config: config, configuration: .init(maxConnections: 20, acquireTimeout: .seconds(20))))
        do {
            let embedding = try Vector384((0..<384).map { Float($0 % 11) / 11 + 0.01 })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        let (user, session) = try await db.users.createUserWithSession(email: "bouncer\(worker)@example.com")
                        for round in 0..<10 {
                            _ = try await db.messages.createMessage(content: "message \(round) about vectors", role: .user, sessionId: session.id)
                            _ = try await db.memories.create(content: "memory \(round)", userId: user.id, sessionId: session.id, embedding: embedding)
                        }
                        let listed = try await db.messages.messages(inSession: session.id, page: PageRequest(limit: 4))
                        #expect(listed.items.count == 4 && listed.nextCursor != nil)
                        let similar = try await db.memories.findSimilarMemories(to: embedding, userId: user.id, limit: 5)
                        #expect(similar.count == 5)
                        #expect(try await db.messages.search("vectors", userId: user.id).count == 10)
                        try await db.transaction { tx in
                            _ = try await tx.sessions.createSession(userId: user.id)
                            _ = try await tx.characterFiles.upsert(sessionId: session.id, content: ["worker": .number(Double(worker))])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await db.pool.query("SELECT count(*) FROM messages").scalar(Int.self) == 80)
            #expect(try await db.pool.query("SELECT count(*) FROM sessions").scalar(Int.self) == 16)
            // PgBouncer really is in between: the client talks to its port, the server answers on
            // its own, and the server sees at most the 4 connections PgBouncer multiplexes.
            #expect(config.port != server.port)
            #expect(try await db.pool.query("SELECT inet_server_port()").scalar(Int32.self) == Int32(server.port!))
            let serverConnections = try await PGConnection.withConnection(server) {
                try await $0.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()").scalar(Int.self)
            }
            #expect((serverConnections ?? 99) <= 4)
        } catch {
            Issue.record(error)
        }
        await db.shutdown()
        let stopped = try await CommandRun.run(bouncerScript, ["stop", directory.appendingPathComponent("bouncer").path])
        #expect(stopped.status == 0, "PgBouncer must stop: \(stopped.errorOutput)")
        _ = try? await ReplicaSet.run(["stop", directory.appendingPathComponent("server").path])
        try? FileManager.default.removeItem(at: directory)
    }
}
