import Foundation
import LocalPostgres
import PGKit
import PGKitTestSupport
import Testing

/// `PGConnection.stream` keeps a bounded number of rows in memory however long the result: a
/// process of its own streams rows from a real server and reports its peak resident memory.
@Suite struct StreamMemoryTests {
    static let database = SuiteDatabase("stream_memory")

    struct Report: Decodable {
        let rows: Int
        let baseline_kb: Int
        let peak_kb: Int
    }

    static func stream(_ rows: Int) async throws -> Report {
        let url = try await database.configuration().url
        return try await FaultProbeRun.report(["stream", url, "\(rows)"])
    }

    @Test func aMillionRowStreamPeaksLikeAHundredThousandRowOne() async throws {
        // 1,000,000 rows of ~100 bytes are ~350 MB as libpq results; a bounded buffer holds
        // about a thousand of them. Compared with a stream a tenth as long, so what the process
        // needs anyway (the runtime, libpq's buffers) cancels out.
        let short = try await Self.stream(100_000)
        let long = try await Self.stream(1_000_000)
        #expect(short.rows == 100_000 && long.rows == 1_000_000)
        let shortGrowth = short.peak_kb - short.baseline_kb
        let longGrowth = long.peak_kb - long.baseline_kb
        print("stream memory: 100,000 rows +\(shortGrowth) kB, 1,000,000 rows +\(longGrowth) kB")
        #expect(longGrowth < shortGrowth + 32_768, "ten times the rows grew the peak by \(longGrowth) kB against \(shortGrowth) kB")
    }
}
