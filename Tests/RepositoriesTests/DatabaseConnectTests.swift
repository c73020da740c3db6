import Foundation
import LocalPostgres
import Logging
import PGKit
import Repositories
import Testing

/// `Database.connect()` reaches the configured database or fails; only the separately named
/// development entry point starts a local cluster, and it logs which one.
@Suite struct DatabaseConnectTests {
    static let database = ChatDatabase("connect")

    func projectDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("db-connect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func createdLocalCluster(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(".dbctl").path)
    }

    @Test func connectWithNothingConfiguredThrowsAndStartsNothing() async throws {
        let directory = try projectDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        await #expect {
            _ = try await Database.connect(environment: [:], directory: directory.path)
        } throws: { error in
            guard let error = error as? PGError, error.kind == .invalidConfiguration else { return false }
            return error.message.contains("DATABASE_URL") && error.message.contains("connectOrStartLocal")
        }
        #expect(!createdLocalCluster(in: directory))
    }

    @Test func connectRefusesADotEnvItCannotReadInsteadOfFallingBack() async throws {
        let directory = try projectDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try await Self.database.configuration().url
        try Data(Array("NOTE=caf".utf8) + [0xE9] + Array("\nDATABASE_URL=\(url)\n".utf8)).write(to: directory.appendingPathComponent(".env"))
        for connect in [{ try await Database.connect(environment: [:], directory: directory.path) },
                        { try await Database.connectOrStartLocal(environment: [:], directory: directory.path) }] {
            await #expect {
                _ = try await connect()
            } throws: { error in
                (error as? PGError)?.message.contains(".env:1: not valid UTF-8") == true
            }
        }
        #expect(!createdLocalCluster(in: directory))
    }

    @Test func connectUsesDatabaseURLFromDotEnv() async throws {
        let directory = try projectDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try await Self.database.configuration()
        try "export\tDATABASE_URL=\"\(config.url)\" # chat\r\n".write(to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let db = try await Database.connect(environment: [:], directory: directory.path)
        let name = try await db.pool.query("SELECT current_database()").scalar(String.self)
        await db.shutdown()
        #expect(name == config.database)
    }

    @Test func connectOrStartLocalStartsTheProjectClusterAndLogsWhichOne() async throws {
        let directory = try projectDirectory()
        let cluster = LocalCluster(projectDirectory: directory.path)
        let records = LogRecords()
        let logger = Logger(label: "test") { _ in records.handler() }
        do {
            let db = try await Database.connectOrStartLocal(environment: [:], directory: directory.path, logger: logger)
            #expect(try await db.pool.query("SELECT current_database()").scalar(String.self) == "app")
            await db.shutdown()
            let again = try await Database.connectOrStartLocal(environment: [:], directory: directory.path, logger: logger)
            await again.shutdown()
        } catch {
            Issue.record(error)
        }
        try? await cluster.stop(mode: .immediate)
        try? FileManager.default.removeItem(at: directory)
        let logged = records.all
        #expect(logged.count == 2)
        #expect(logged.allSatisfy { $0.level == .info })
        #expect(logged.first?.message.hasPrefix("started the local PostgreSQL cluster") == true)
        #expect(logged.last?.message.hasPrefix("using the local PostgreSQL cluster") == true)
        #expect(logged.first?.metadata["cluster"] == "\(cluster.directory.path)")
    }
}

/// Log lines kept for a test to read (a real `LogHandler`, not a stand-in for the database).
final class LogRecords: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let storage = Mutex<[Record]>([])

    var all: [Record] { storage.withLock { $0 } }

    func handler() -> some LogHandler { Handler(records: self) }

    struct Handler: LogHandler {
        let records: LogRecords
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let record = Record(level: event.level, message: "\(event.message)", metadata: event.metadata ?? [:])
            records.storage.withLock { $0.append(record) }
        }
    }
}

import Synchronization
