import Foundation
import LocalPostgres
import PGKit

/// Runs `pgkit-fault-probe` in a process of its own (so no other test's statements share it)
/// and decodes the JSON line it prints last.
enum FaultProbeRun {
    static func report<Report: Decodable>(_ arguments: [String], as type: Report.Type = Report.self) async throws -> Report {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fault-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("out").path
        let pid = try ChildProcess.spawn([NetworkPartitionTests.probe] + arguments,
                                         standardOutput: output, standardError: work.appendingPathComponent("err").path)
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: ChildProcess.waitForExit(pid)) }
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0, let line = text.split(separator: "\n").last else {
            throw PGError(.protocolViolation, "the probe exited \(status): \(text)")
        }
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }
}
