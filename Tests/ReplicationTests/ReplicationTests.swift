import Foundation
import Migrator
import PGKit
import PGKitTestSupport
import Repositories
import Testing

/// A primary and a streaming standby on two loopback ports, started by `scripts/pg-cluster`.
struct ReplicaSet {
    let directory: URL
    let primary: PGConfig
    let standby: PGConfig
    var primaryDirectory: String { directory.appendingPathComponent("primary").path }
    var standbyDirectory: String { directory.appendingPathComponent("standby").path }

    static let script = ProjectPaths.root.appendingPathComponent("scripts/pg-cluster").path

    static func start() async throws -> ReplicaSet {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-replicas-\(UInt32.random(in: 0...UInt32.max))")
        let primaryURL = try await run(["start", directory.appendingPathComponent("primary").path])
        do {
            let primary = try PGConfig(primaryURL)
            try await Migrator(config: primary, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
            let standbyURL = try await run(["standby", String(primary.port!), directory.appendingPathComponent("standby").path])
            return ReplicaSet(directory: directory, primary: primary, standby: try PGConfig(standbyURL))
        } catch {
            // Never leave a half-built replica set running.
            _ = try? await run(["stop", directory.appendingPathComponent("standby").path])
            _ = try? await run(["stop", directory.appendingPathComponent("primary").path])
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    @discardableResult
    static func run(_ arguments: [String]) async throws -> String {
        let result = try await CommandRun.run(script, arguments)
        guard result.status == 0 else { throw PGError(.invalidConfiguration, "pg-cluster \(arguments[0]) failed: \(result.errorOutput)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() async {
        _ = try? await Self.run(["stop", standbyDirectory])
        _ = try? await Self.run(["stop", primaryDirectory])
        try? FileManager.default.removeItem(at: directory)
    }
}

func eventually(_ timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}

@Suite(.serialized) struct ReplicationTests {
    @Test func readsGoToTheStandbyWritesToThePrimaryAndLaggingOrStoppedStandbysAreSkipped() async throws {
        let set = try await ReplicaSet.start()
        let replicated = PGReplicatedPool(primary: set.primary, replicas: [set.standby],
                                          maxReplicaLag: .seconds(1), checkInterval: .milliseconds(200))
        let db = Database(replicated: replicated)
        do {
            let user = try await db.users.create(email: "ada@example.com", name: "Ada")
            #expect(try await eventually { try await db.readOnly { try await $0.users.find(email: "ada@example.com") } != nil },
                    "the write replicates and the read sees it")
            #expect(try await replicated.read { try await $0.query("SELECT pg_is_in_recovery()").scalar(Bool.self) } == true,
                    "marked reads are served by the standby")
            #expect(try await db.pool.query("SELECT pg_is_in_recovery()").scalar(Bool.self) == false, "writes go to the primary")
            // A write sent to the standby is refused, and says why.
            do {
                try await replicated.replicas[0].execute("INSERT INTO specializations (name, model_path) VALUES ('x', 'y')")
                Issue.record("a standby must refuse writes")
            } catch let error as PGError {
                #expect(error.isReadOnly, "\(error)")
            }

            // Pause replay and keep writing: past the maximum lag the standby is skipped.
            try await replicated.replicas[0].query("SELECT pg_wal_replay_pause()")
            for index in 0..<3 {
                _ = try await db.sessions.createSession(userId: user.id)
                try await Task.sleep(for: .milliseconds(500 * index))
            }
            #expect(try await eventually { replicated.healthyReplicas.isEmpty }, "a lagging standby is skipped")
            #expect(try await replicated.read { try await $0.query("SELECT pg_is_in_recovery()").scalar(Bool.self) } == false,
                    "reads fall back to the primary")
            try await replicated.replicas[0].query("SELECT pg_wal_replay_resume()")
            #expect(try await eventually { replicated.healthyReplicas == [0] }, "it comes back once caught up")

            // Stop the standby mid-run: reads continue.
            _ = try await ReplicaSet.run(["stop", set.standbyDirectory])
            for _ in 0..<5 {
                let sessions = try await db.readOnly { try await $0.sessions.sessions(forUser: user.id) }
                #expect(sessions.items.count == 3)
            }
            #expect(try await eventually { replicated.healthyReplicas.isEmpty })
        } catch {
            Issue.record(error)
        }
        await db.shutdown()
        await set.stop()
    }

    @Test func aMultiHostURLFollowsThePrimaryAfterPromotion() async throws {
        let set = try await ReplicaSet.start()
        let url = "postgresql://postgres@127.0.0.1:\(set.primary.port!),127.0.0.1:\(set.standby.port!)/postgres?target_session_attrs=read-write&connect_timeout=2"
        let pool = PGPool(config: try PGConfig(url), configuration: .init(maxConnections: 2, acquireTimeout: .seconds(5)))
        do {
            try await pool.execute("CREATE TABLE failover (id serial PRIMARY KEY, note text)")
            try await pool.execute("INSERT INTO failover (note) VALUES ('before')")
            #expect(try await pool.query("SELECT inet_server_port()").scalar(Int32.self) == Int32(set.primary.port!))
            #expect(try await eventually {
                try await PGConnection.withConnection(set.standby) { try await $0.query("SELECT count(*) FROM failover").scalar(Int.self) == 1 }
            })
            // The primary dies; the standby is promoted.
            _ = try await ReplicaSet.run(["stop", set.primaryDirectory])
            _ = try await ReplicaSet.run(["promote", set.standbyDirectory])
            // Writes resume on the new primary without restarting anything.
            #expect(try await eventually(.seconds(20)) {
                try await pool.execute("INSERT INTO failover (note) VALUES ('after')") == 1
            })
            #expect(try await pool.query("SELECT inet_server_port()").scalar(Int32.self) == Int32(set.standby.port!))
            #expect(try await pool.query("SELECT array_agg(note ORDER BY id) FROM failover").scalar([String].self) == ["before", "after"])
        } catch {
            Issue.record(error)
        }
        await pool.shutdown()
        await set.stop()
    }
}
