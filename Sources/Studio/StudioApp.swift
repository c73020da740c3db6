import Foundation
import PGKit

/// Runs the studio: draws the state, reads keys, and performs the effects the state asks for
/// (loading pages, running confirmed SQL in a transaction, exporting) in a task of their own,
/// so the screen stays live while the database works: the status line shows what runs and for
/// how long, and Esc or Ctrl-C cancels it on the server.
public struct StudioApp: Sendable {
    let config: PGConfig
    let readOnly: Bool

    public init(config: PGConfig, readOnly: Bool) {
        self.config = config
        self.readOnly = readOnly
    }

    public func run() async throws {
        let connection = try await PGConnection.connect(config)
        let results = SQLResultSlot()
        defer {
            Task {
                await results.replace(with: nil)
                await connection.close()
            }
        }
        let role = (try? await connection.query("SELECT current_user::text").scalar(String.self)) ?? (config.user ?? "")
        let work = StudioWork(config: config, readOnly: readOnly, connection: connection, results: results)
        var state = StudioState(tables: try await StudioCatalog.tables(on: connection), readOnly: readOnly)
        let terminal = try RawTerminal()
        defer { terminal.restore() }
        var running: RunningWork?
        if let effect = state.selectTable(0) { running = start(effect, before: state, state, work) }
        state.focus = .sidebar
        var pending: [UInt8] = []
        var typed: [StudioKey] = []
        var dirty = true
        while true {
            if let current = running {
                if let outcome = current.outcome {
                    running = nil
                    finish(current, outcome, &state)
                    state.activity = nil
                    state.isWaiting = false
                    dirty = true
                } else if let activity = current.activity(), activity != state.activity {
                    state.activity = activity
                    dirty = true
                }
            }
            state.isWaiting = running != nil
            if dirty || terminal.takeResize() {
                let size = terminal.size
                let renderer = StudioRenderer(width: size.width, height: size.height, databaseName: config.database ?? "", role: role)
                terminal.draw(renderer.render(state))
                dirty = false
            }
            guard let input = terminal.readBytes() else {  // the terminal went away
                await stop(running)
                return
            }
            pending += input
            while let (key, used) = StudioKey.decode(pending) {
                pending.removeFirst(used)
                typed.append(key)
            }
            // Keys typed while work runs: Esc and Ctrl-C cancel it (and drop what was typed
            // ahead); keys that only move about apply at once; a key that needs the database
            // waits, with every key after it, until the work ends.
            var index = 0
            while index < typed.count {
                let key = typed[index]
                dirty = true
                if let current = running {
                    // Esc in a prompt or the row detail closes it; in the grid it cancels.
                    if key == .interrupt || (key == .escape && state.mode == .browse) {
                        // A second Ctrl-C while the cancel is on its way quits.
                        if key == .interrupt, current.isCancelled { await stop(current); return }
                        current.cancel()
                        state.activity = current.activity(after: .zero)
                        typed.removeAll()
                        break
                    }
                    if index == 0 {
                        var trial = state
                        let effect = trial.handle(key)
                        if effect == .quit { await stop(current); return }
                        if effect == nil {
                            state = trial
                            typed.removeFirst()
                            continue
                        }
                    }
                    index += 1
                    continue
                }
                typed.removeFirst()
                let before = state
                guard let effect = state.handle(key) else { continue }
                if effect == .quit { return }
                running = start(effect, before: before, state, work)
            }
        }
    }

    func start(_ effect: StudioState.Effect, before: StudioState, _ state: StudioState, _ work: StudioWork) -> RunningWork {
        RunningWork.start(effect.label(table: state.table?.name), before: before) { try await work.perform(effect, state) }
    }

    /// Applies finished work; a failure or a cancel returns to the view before the key.
    func finish(_ work: RunningWork, _ outcome: Result<StudioChange, any Error>, _ state: inout StudioState) {
        switch outcome {
        case .success(let change):
            change(&state)
        case .failure(let error):
            let seconds = StudioActivity(label: "", elapsedTenths: Int(work.elapsed / .milliseconds(100))).elapsedText
            state = work.before
            state.mode = .browse
            if work.isCancelled || Self.isCancellation(error) {
                state.message = "cancelled \(work.label) after \(seconds); the server stopped it"
            } else {
                state.message = "\(error)".replacingOccurrences(of: "\n", with: " ")
            }
        }
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        guard let error = error as? PGError else { return false }
        return error.kind == .cancelled || error.sqlState == .queryCanceled
    }

    /// Cancels running work and waits (a little) for the server to stop it before the studio ends.
    func stop(_ work: RunningWork?) async {
        guard let work else { return }
        work.cancel()
        for _ in 0..<40 where work.outcome == nil { try? await Task.sleep(for: .milliseconds(50)) }
    }
}
