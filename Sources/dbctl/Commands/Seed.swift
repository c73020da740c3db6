import ArgumentParser
import PGKit
import Repositories

/// `dbctl seed`: deterministic sample data for development and the studio.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load deterministic sample data (3 users, 20 sessions, 2,000 messages, 1,000 memories...).",
        discussion: "Idempotent: does nothing when the sample users already exist. Runs in one transaction.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let terminal = Terminal.standardError
        try await Self.seed(try await database.resolve(terminal, fallback: .localCluster), terminal: terminal)
    }

    static func seed(_ config: PGConfig, terminal: Terminal) async throws {
        let connection = try await PGConnection.connect(config)
        defer { Task { await connection.close() } }
        let summary = try await SampleData.seed(connection)
        if summary.alreadySeeded {
            terminal.success("sample data is already there")
        } else {
            terminal.success("seeded \(summary.users) users, \(summary.sessions) sessions, \(summary.messages) messages "
                + "(\(summary.replies) replies in threads, \(summary.editedMessages) edited), "
                + "\(summary.characterFiles) character files, \(summary.memories) memories, \(summary.specializations) specializations")
        }
    }
}
