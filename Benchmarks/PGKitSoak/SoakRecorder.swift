import Foundation
import Synchronization

/// What the soak's workers report: operations, latencies, errors by kind, and every write the
/// database acknowledged (to check afterwards that none was lost).
final class SoakRecorder: Sendable {
    struct State {
        var operations = 0
        var latenciesMicroseconds: [Double] = []
        var errors: [String: Int] = [:]
        var acknowledgedMessages: [UUID] = []
        var acknowledgedMemories: [UUID] = []
        /// Resident memory in MB, every 5 seconds.
        var memorySamples: [Int] = []
    }

    let state = Mutex(State())

    func success(latency: Duration) {
        let microseconds = Double(latency.components.seconds) * 1e6 + Double(latency.components.attoseconds) / 1e12
        state.withLock {
            $0.operations += 1
            $0.latenciesMicroseconds.append(microseconds)
        }
    }

    func failure(_ kind: String) { state.withLock { $0.errors[kind, default: 0] += 1 } }
    func acknowledgedMessage(_ id: UUID) { state.withLock { $0.acknowledgedMessages.append(id) } }
    func acknowledgedMemory(_ id: UUID) { state.withLock { $0.acknowledgedMemories.append(id) } }
}
