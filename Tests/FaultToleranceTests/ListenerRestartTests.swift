import Foundation
import LocalPostgres
import PGKit
import Testing

/// A listener across a server that goes away and comes back: stopped fast, killed outright.
@Suite(.serialized) struct ListenerRestartTests {
    /// Notifies `channel` until a notification arrives after the reconnection gap, and returns
    /// (saw the gap, payloads after it).
    static func awaitResumedDelivery(_ listener: PGListener, config: PGConfig, channel: String) async throws -> (Bool, [String]) {
        let consumer = Task {
            var sawGap = false
            for try await event in listener {
                switch event {
                case .mayHaveMissedNotifications(.reconnected): sawGap = true
                case .notification(let note) where sawGap: return (true, [note.payload])
                default: continue
                }
            }
            return (sawGap, [String]())
        }
        let writer = Task {
            var round = 0
            while !Task.isCancelled {
                round += 1
                if let conn = try? await PGConnection.connect(config) {
                    try? await conn.notify(channel, payload: "after restart \(round)")
                    await conn.close()
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            await listener.close()
        }
        let outcome = try await consumer.value
        writer.cancel()
        watchdog.cancel()
        return outcome
    }

    @Test(arguments: [LocalCluster.StopMode.fast, .immediate])
    func aServerRestartGivesAGapEventThenDeliveryResumes(mode: LocalCluster.StopMode) async throws {
        try await ServerFaultTests.withCluster { cluster, config in
            let listener = try await PGListener.connect(config, channels: ["restart"],
                                                        options: .init(backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(500))))
            try await cluster.stop(mode: mode)
            try await Task.sleep(for: .milliseconds(500))  // down for a while: attempts fail meanwhile
            _ = try await cluster.start()
            let (sawGap, after) = try await Self.awaitResumedDelivery(listener, config: config, channel: "restart")
            #expect(sawGap, "the listener reports the gap")
            #expect(after.first?.hasPrefix("after restart") == true, "and delivery resumes")
            #expect(listener.reconnections >= 1)
            await listener.close()
        }
    }
}
