import Foundation
import LocalPostgres
import Migrator
import PGKit
import Repositories

// pgkit-soak [seconds]: the chat workload from 32 tasks over a pool of 8 on a private cluster
// that is killed once and restarted once; then checks that every acknowledged write is there.
let seconds = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 120
let project = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-soak-\(getpid())")
try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
let cluster = LocalCluster(projectDirectory: project.path, databaseName: "soak")
let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("migrations").path

func residentMegabytes() -> Int {
    let fields = ((try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "").split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func log(_ text: String) { FileHandle.standardError.write(Data("soak: \(text)\n".utf8)) }

var exitCode: Int32 = 0
do {
    var config = try await cluster.start()
    try await Migrator(config: config, directory: MigrationDirectory(path: migrations)).applyPending()
    config.queryTimeout = .seconds(10)
    let db = Database(pool: PGPool(config: config, configuration: .init(maxConnections: 8, acquireTimeout: .seconds(15))))
    var created: [UUID] = []
    for index in 0..<8 { created.append(try await db.users.create(email: "soak\(index)@example.com").id) }
    let users = created
    let recorder = SoakRecorder()
    let deadline = ContinuousClock.now + .seconds(seconds)
    log("running \(seconds) s: 32 tasks, pool of 8, restarts at 1/3 and 2/3")

    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<32 {
            group.addTask {
                var random = SplitMix64(seed: UInt64(worker))
                let userID = users[worker % users.count]
                while ContinuousClock.now < deadline {
                    let began = ContinuousClock.now
                    do {
                        let session = try await db.sessions.createSession(userId: userID)
                        let message = try await db.messages.createMessage(content: "soak \(worker) \(random.next())", role: .user, sessionId: session.id)
                        recorder.acknowledgedMessage(message.id)
                        let embedding = try Vector384((0..<384).map { _ in random.nextSignedUnitFloat() })
                        let memory = try await db.memories.create(content: "soak memory", userId: userID, sessionId: session.id, embedding: embedding)
                        recorder.acknowledgedMemory(memory.id)
                        _ = try await db.memories.findSimilarMemories(to: embedding, userId: userID, limit: 5)
                        _ = try await db.messages.messages(inSession: session.id)
                        recorder.success(latency: ContinuousClock.now - began)
                    } catch let error as PGError {
                        recorder.failure("\(error.kind)")
                        try? await Task.sleep(for: .milliseconds(50))
                    } catch {
                        recorder.failure("\(type(of: error))")
                    }
                }
            }
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds / 3))
            log("killing the server (immediate stop)")
            try await cluster.stop(mode: .immediate)
            try await Task.sleep(for: .seconds(2))
            _ = try await cluster.start()
            log("server back")
            try await Task.sleep(for: .seconds(seconds / 3))
            log("restarting the server (fast stop)")
            try await cluster.stop(mode: .fast)
            _ = try await cluster.start()
            log("server back")
        }
        group.addTask {
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .seconds(5))
                let rss = residentMegabytes()
                recorder.state.withLock { $0.memorySamples.append(rss) }
                log("rss \(rss) MB, ops \(recorder.state.withLock { $0.operations })")
            }
        }
        try await group.waitForAll()
    }

    let final = recorder.state.withLock { $0 }
    let lostMessages = try await db.pool.query(
        "SELECT count(*) FROM unnest(\(final.acknowledgedMessages)::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = a.id)"
    ).scalar(Int.self) ?? -1
    let lostMemories = try await db.pool.query(
        "SELECT count(*) FROM unnest(\(final.acknowledgedMemories)::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = a.id)"
    ).scalar(Int.self) ?? -1
    let latencies = final.latenciesMicroseconds.sorted()
    let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
    let errors = final.errors.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
    print("{\"seconds\": \(seconds), \"operations\": \(final.operations), \"errors\": {\(errors)}, \"p99_ms\": \(String(format: "%.1f", p99 / 1000)), "
        + "\"acknowledged_writes\": \(final.acknowledgedMessages.count + final.acknowledgedMemories.count), "
        + "\"lost_writes\": \(lostMessages + lostMemories), \"rss_mb_after_warmup\": \(final.memorySamples.first ?? 0), \"rss_mb_peak\": \(final.memorySamples.max() ?? 0), \"rss_mb_end\": \(final.memorySamples.last ?? 0)}")
    await db.shutdown()
    if lostMessages + lostMemories != 0 { exitCode = 1 }
} catch {
    log("failed: \(error)")
    exitCode = 1
}
try? await cluster.stop(mode: .immediate)
try? FileManager.default.removeItem(at: project)
exit(exitCode)
