// pgkit-lifecycle-probe: a pool run as a service in a ServiceGroup, with work in flight, for
// the SIGTERM tests.
//
//   pgkit-lifecycle-probe URL WORKERS SLEEP_SECONDS GRACE_SECONDS
//
// Starts WORKERS tasks that each run `SELECT pg_sleep(SLEEP_SECONDS)` on the pool (the test
// watches pg_stat_activity to see them run), and runs the group until SIGTERM. When the group
// has stopped, prints one JSON line per worker, {"outcome": "ok" | "<PGError kind>",
// "sqlstate": "..."}, then `{"stopped": true, "open": N}` with the pool's open connections.
import Foundation
import Logging
import PGKit
import ServiceLifecycle

@main
enum LifecycleProbe {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5, let workers = Int(arguments[2]), let sleep = Double(arguments[3]), let grace = Double(arguments[4]) else {
            FileHandle.standardError.write(Data("usage: pgkit-lifecycle-probe URL WORKERS SLEEP_SECONDS GRACE_SECONDS\n".utf8))
            exit(2)
        }
        let config = try PGConfig(arguments[1])
        let pool = PGPool(config: config, configuration: .init(maxConnections: workers, shutdownGracePeriod: .seconds(grace)))
        let work = (0..<workers).map { _ in
            Task { () -> String in
                do {
                    try await pool.query("SELECT pg_sleep(\(sleep))")
                    return #"{"outcome": "ok"}"#
                } catch let error as PGError {
                    return #"{"outcome": "\#(error.kind)", "sqlstate": "\#(error.sqlState?.rawValue ?? "")"}"#
                } catch {
                    return #"{"outcome": "other"}"#
                }
            }
        }
        var logger = Logger(label: "lifecycle-probe")
        logger.logLevel = .info
        let group = ServiceGroup(configuration: .init(services: [pool], gracefulShutdownSignals: [.sigterm], logger: logger))
        try await group.run()
        for task in work { print(await task.value) }
        print(#"{"stopped": true, "open": \#(pool.statistics.open)}"#)
    }
}
