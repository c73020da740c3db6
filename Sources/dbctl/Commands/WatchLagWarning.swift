import Foundation
import PGKit

/// When `dbctl watch` says its slot is behind: once when the lag (the server's WAL past the
/// slot's confirmed position) goes past the threshold, and once when it is back under half of
/// it, so a lag hovering at the threshold does not repeat the warning. A value: the checks'
/// I/O is in `watch`.
struct WatchLagWarning: Equatable {
    let slot: String
    let threshold: Int64
    private(set) var isWarning = false

    init(slot: String, threshold: Int64) {
        self.slot = slot
        self.threshold = threshold
    }

    /// The line to print for a lag of `bytes` just read, if any.
    mutating func check(lagBytes bytes: Int64) -> String? {
        if !isWarning, bytes > threshold {
            isWarning = true
            return "warning: slot \(slot) is \(ByteSizeArgument.describe(bytes)) behind the server's WAL (--warn-lag \(ByteSizeArgument.describe(threshold))): "
                + "the server keeps that WAL until the changes are printed; a slower reader of this output holds it back"
        }
        if isWarning, bytes <= threshold / 2 {
            isWarning = false
            return "slot \(slot) caught up: \(ByteSizeArgument.describe(bytes)) behind"
        }
        return nil
    }

    /// Reads the slot's lag every `interval` on a connection of its own and prints the
    /// warnings to standard error, until cancelled.
    static func watch(_ config: PGConfig, slot: String, threshold: Int64, every interval: Duration) async {
        var warning = WatchLagWarning(slot: slot, threshold: threshold)
        var connection: PGConnection?
        while !Task.isCancelled {
            do {
                let conn: PGConnection
                if let connection { conn = connection } else {
                    conn = try await PGConnection.connect(config)
                    connection = conn
                }
                if let status = try await PGChangeStream.slots(on: conn).first(where: { $0.name == slot }),
                   let line = warning.check(lagBytes: status.lagBytes) {
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            } catch {
                if let connection { await connection.close() }
                connection = nil
            }
            try? await Task.sleep(for: interval)
        }
        if let connection { await connection.close() }
    }
}
