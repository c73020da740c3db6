// pgkit-fault-probe: runs statements from inside a network namespace for the partition tests.
//
//   pgkit-fault-probe GO_FILE LABEL=URL [LABEL=URL ...]
//
// Opens one connection per URL and runs `SELECT 1` on each (so it is prepared), prints
// `ready`, waits until GO_FILE exists (the test cuts the network first), then runs `SELECT 1`
// on every connection at once and prints one JSON line per connection:
//   {"label": "...", "outcome": "ok" | "<PGError kind>", "seconds": 7.52, "message": "..."}
import Foundation
import PGKit

@main
enum FaultProbe {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        guard let goFile = arguments.first, arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: pgkit-fault-probe GO_FILE LABEL=URL...\n".utf8))
            exit(2)
        }
        var connections: [(String, PGConnection)] = []
        do {
            for pair in arguments.dropFirst() {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let connection = try await PGConnection.connect(try PGConfig(parts[1]))
                _ = try await connection.query("SELECT 1")
                connections.append((parts[0], connection))
            }
        } catch {
            print("setup failed: \(error)")
            exit(1)
        }
        emit("ready")
        while !FileManager.default.fileExists(atPath: goFile) { try? await Task.sleep(for: .milliseconds(20)) }
        await withTaskGroup(of: String.self) { group in
            for (label, connection) in connections {
                group.addTask {
                    let started = ContinuousClock.now
                    var outcome = "ok", message = ""
                    do {
                        _ = try await connection.query("SELECT 1")
                    } catch let error as PGError {
                        outcome = "\(error.kind)"
                        message = error.message
                    } catch {
                        outcome = "other"
                        message = "\(error)"
                    }
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    let line: [String: Any] = ["label": label, "outcome": outcome, "seconds": seconds, "message": message]
                    let data = try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
                    return String(decoding: data, as: UTF8.self)
                }
            }
            for await line in group { emit(line) }
        }
        exit(0)
    }

    /// Writes a line to standard output at once (the test reads it while the probe runs).
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
