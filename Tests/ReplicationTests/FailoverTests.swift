import Foundation
import Migrator
import PGKit
import PGKitTestSupport
import Repositories
import Synchronization
import Testing

/// A pg_auto_failover formation (a monitor and two synchronous data nodes), run by `scripts/pg-ha`.
struct Formation {
    let directory: String
    let url: String

    static let script = ProjectPaths.root.appendingPathComponent("scripts/pg-ha").path

    static func start() async throws -> Formation {
        let directory = "/tmp/pgkit-ha-\(UInt32.random(in: 0...UInt32.max))"
        do {
            let url = try await run(["start", directory])
            return Formation(directory: directory, url: url)
        } catch {
            _ = try? await run(["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    @discardableResult
    static func run(_ arguments: [String]) async throws -> String {
        // A rejoin under the workload copies what changed since the kill (pg_rewind: usually
        // 5 to 15 s, once 116 s on a loaded machine): wait longer than pg-ha's default 120 s.
        let result = try await CommandRun.run(script, arguments, environment: ["PG_HA_TIMEOUT": "240"])
        guard result.status == 0 else { throw PGError(.invalidConfiguration, "pg-ha \(arguments[0]) failed: \(result.errorOutput)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func run(_ command: String, _ arguments: String...) async throws -> String {
        try await Self.run([command, directory] + arguments)
    }

    /// Stops the formation and removes its directory, unless `PGKIT_KEEP_FORMATION` is set
    /// (to read its logs afterwards).
    func stop() async {
        _ = try? await run("stop")
        if ProcessInfo.processInfo.environment["PGKIT_KEEP_FORMATION"] != nil {
            print("failover: formation kept in \(directory)")
        } else {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

/// What the workload's tasks report: every write the database acknowledged (by the unique
/// token it wrote), every write whose outcome is unknown, failed calls by error kind.
final class FailoverRecorder: Sendable {
    struct State {
        var acknowledged: [String] = []
        var outcomeUnknown: [String] = []
        var failures: [String: Int] = [:]
        /// Acknowledged writes whose transaction began after this instant (the kill), and
        /// when the first of them was acknowledged.
        var killedAt: Date?
        var firstWriteAfterKill: Date?
        var writesAfterKill = 0
    }

    let state = Mutex(State())
    /// Set when the workload is to end.
    let stopped = Atomic<Bool>(false)

    func acknowledged(_ token: String, startedAt: Date) {
        let now = Date()
        state.withLock { state in
            state.acknowledged.append(token)
            guard let killedAt = state.killedAt, startedAt > killedAt else { return }
            state.writesAfterKill += 1
            if state.firstWriteAfterKill == nil { state.firstWriteAfterKill = now }
        }
    }

    func failed(_ error: any Error, token: String?) {
        let label: String
        if let error = error as? PGError {
            label = error.kind == .server ? "server \(error.sqlState?.rawValue ?? "")" : "\(error.kind)"
            if error.kind == .outcomeUnknown, let token { state.withLock { $0.outcomeUnknown.append(token) } }
        } else {
            label = "\(type(of: error))"
        }
        state.withLock { $0.failures[label, default: 0] += 1 }
    }

    /// Starts measuring a failover: the kill happened now.
    func killed() {
        state.withLock { state in
            state.killedAt = Date()
            state.firstWriteAfterKill = nil
            state.writesAfterKill = 0
        }
    }
}

@Suite(.serialized) struct FailoverTests {
    /// The chat workload from 32 tasks through the repositories while pg_auto_failover's
    /// primary is killed (kill -9 of its postmaster, its backends and its pg_autoctl: a node
    /// crash), the old primary rejoins as a secondary, and the new primary is killed in turn.
    @Test func theWorkloadSurvivesTwoFailoversWithoutLosingOrDuplicatingAnAcknowledgedWrite() async throws {
        let formation = try await Formation.start()
        var config = try PGConfig(formation.url + "&connect_timeout=2")
        config.queryTimeout = .seconds(10)
        let db = Database(pool: PGPool(config: config, configuration: .init(maxConnections: 8, acquireTimeout: .seconds(30))))
        let recorder = FailoverRecorder()
        do {
            try await Migrator(config: config, directory: MigrationDirectory(path: ProjectPaths.migrations.path)).applyPending()
            var users: [UUID] = []
            for index in 0..<8 { users.append(try await db.users.create(email: "failover\(index)@example.com").id) }
            let userIDs = users
            var figures: [FailoverFigure] = []

            try await withThrowingTaskGroup(of: [FailoverFigure].self) { group in
                for worker in 0..<32 {
                    group.addTask {
                        var random = SplitMix64(seed: UInt64(worker))
                        let userID = userIDs[worker % userIDs.count]
                        var sequence = 0
                        while !recorder.stopped.load(ordering: .relaxed) {
                            sequence += 1
                            let token = "failover \(worker) \(sequence)"
                            let embedding = try Vector384((0..<384).map { _ in random.nextSignedUnitFloat() })
                            var written: Message?
                            do {
                                let startedAt = Date()
                                written = try await db.transaction(.init(retry: .attempts(5))) { tx in
                                    let session = try await tx.sessions.createSession(userId: userID)
                                    let message = try await tx.messages.createMessage(content: token, role: .user, sessionId: session.id)
                                    try await tx.memories.create(content: token, userId: userID, sessionId: session.id, embedding: embedding)
                                    return message
                                }
                                // The transaction's start on the server: after the kill only on the new primary.
                                recorder.acknowledged(token, startedAt: max(startedAt, written!.createdAt))
                            } catch {
                                recorder.failed(error, token: token)
                            }
                            do {
                                _ = try await db.memories.findSimilarMemories(to: embedding, userId: userID, limit: 5)
                                if let written { _ = try await db.messages.messages(inSession: written.sessionId) }
                            } catch {
                                recorder.failed(error, token: nil)
                                try? await Task.sleep(for: .milliseconds(50))
                            }
                        }
                        return []
                    }
                }
                group.addTask {
                    defer { recorder.stopped.store(true, ordering: .relaxed) }
                    try await Task.sleep(for: .seconds(5))
                    let first = try await Self.failOver(formation, recorder)
                    // The old primary comes back: it rejoins as a secondary and catches up.
                    let rejoinStarted = ContinuousClock.now
                    try await formation.run("restart-node", first.killed)
                    // pg_autoctl rewinds the old primary (pg_rewind) or, when that fails, clones it anew.
                    let keeperLog = (try? String(contentsOfFile: "\(formation.directory)/\(first.killed).log", encoding: .utf8)) ?? ""
                    let method = keeperLog.contains("trying pg_basebackup instead") ? "pg_basebackup after a failed pg_rewind" : "pg_rewind"
                    print("failover: \(first.killed) rejoined as a secondary in \(ContinuousClock.now - rejoinStarted) (\(method))")
                    try await Task.sleep(for: .seconds(2))
                    let second = try await Self.failOver(formation, recorder)
                    #expect(second.promoted == first.killed, "the second failover went back to \(first.killed)")
                    return [first, second]
                }
                for try await result in group { figures += result }
            }

            let final = recorder.state.withLock { $0 }
            // Every acknowledged write on the last primary, exactly once; no token twice.
            let counts = try await db.pool.query("""
                SELECT count(*) FILTER (WHERE n IS NULL), count(*) FILTER (WHERE n > 1)
                FROM unnest(\(final.acknowledged)::text[]) AS a(token)
                LEFT JOIN (SELECT content, count(*) AS n FROM messages GROUP BY content) m ON m.content = a.token
                """)[0]
            let lost = try counts.decode(Int.self, at: 0), duplicatedAcknowledged = try counts.decode(Int.self, at: 1)
            let duplicated = try await db.pool.query(
                "SELECT count(*) FROM (SELECT content FROM messages WHERE content LIKE 'failover %' GROUP BY content HAVING count(*) > 1) d"
            ).scalar(Int.self) ?? -1
            let memoriesMissing = try await db.pool.query(
                "SELECT count(*) FROM unnest(\(final.acknowledged)::text[]) AS a(token) WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.content = a.token)"
            ).scalar(Int.self) ?? -1
            // An outcome-unknown write is there once or not at all: what the app checks before redoing it.
            let unknownCommitted = try await db.pool.query(
                "SELECT count(*) FROM messages WHERE content = ANY(\(final.outcomeUnknown)::text[])").scalar(Int.self) ?? -1
            let errors = final.failures.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
            print("failover: {\"failovers\": [\(figures.map(\.json).joined(separator: ", "))], \"acknowledged_writes_checked\": \(final.acknowledged.count), "
                + "\"lost\": \(lost), \"duplicated\": \(duplicated), \"outcome_unknown\": \(final.outcomeUnknown.count), "
                + "\"outcome_unknown_committed\": \(unknownCommitted), \"failed_calls\": {\(errors)}}")
            #expect(final.acknowledged.count > 100, "the workload ran")
            #expect(lost == 0, "acknowledged writes missing on the new primary")
            #expect(memoriesMissing == 0, "acknowledged memories missing on the new primary")
            #expect(duplicatedAcknowledged == 0 && duplicated == 0, "a write was applied twice")
            #expect(unknownCommitted <= final.outcomeUnknown.count)
            #expect(Set(final.outcomeUnknown).count == final.outcomeUnknown.count)
        } catch {
            recorder.stopped.store(true, ordering: .relaxed)
            Issue.record(error)
        }
        await db.shutdown()
        await formation.stop()
    }

    /// One failover: the node killed, the one promoted, seconds from the kill until the monitor
    /// reported the new primary and until the first write it acknowledged.
    struct FailoverFigure: Sendable {
        let killed: String
        let promoted: String
        let secondsToPromotion: Double
        let secondsToFirstWrite: Double
        var json: String {
            "{\"killed\": \"\(killed)\", \"promoted\": \"\(promoted)\", "
                + "\"seconds_to_promotion\": \(String(format: "%.2f", secondsToPromotion)), "
                + "\"seconds_to_first_write\": \(String(format: "%.2f", secondsToFirstWrite))}"
        }
    }

    /// Kills the primary node and waits until the monitor reports another primary and the
    /// workload has had 100 writes acknowledged by it.
    static func failOver(_ formation: Formation, _ recorder: FailoverRecorder) async throws -> FailoverFigure {
        let before = try await formation.run("primary").split(separator: " ")
        let killed = try await formation.run("kill-primary")
        recorder.killed()
        let killedAt = ContinuousClock.now
        #expect(killed == String(before[0]))
        var promoted = ""
        _ = try await eventually(.seconds(60)) {
            // Empty (exit 1) while the failover is under way; the killed node until the monitor notices.
            promoted = (try? await formation.run("primary")) ?? ""
            return !promoted.isEmpty && !promoted.hasPrefix(killed + " ")
        }
        let secondsToPromotion = Double((ContinuousClock.now - killedAt).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - killedAt).components.seconds)
        let newPrimary = promoted.split(separator: " ").first.map(String.init) ?? "?"
        #expect(!promoted.isEmpty && newPrimary != killed, "the monitor promoted the secondary")
        let deadline = ContinuousClock.now + .seconds(90)
        var seconds: Double?
        while ContinuousClock.now < deadline {
            let state = recorder.state.withLock { $0 }
            if let first = state.firstWriteAfterKill, let killedAt = state.killedAt, state.writesAfterKill >= 100 {
                seconds = first.timeIntervalSince(killedAt)
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let measured = try #require(seconds, "no write succeeded within 90 s of killing \(killed)")
        return FailoverFigure(killed: killed, promoted: newPrimary, secondsToPromotion: secondsToPromotion, secondsToFirstWrite: measured)
    }
}
