import Foundation
import PGKit

/// Runs the studio: draws the state, reads keys, and performs the effects the state asks for
/// (loading pages, running confirmed SQL in a transaction, exporting) in a task of their own,
/// so the screen stays live while the database works: the status line shows what runs and for
/// how long, and Esc or Ctrl-C cancels it on the server. Committed changes to the open table
/// (from other sessions too) refresh it, through a change stream on a temporary slot, unless
/// the server or the role cannot stream, which the status line then says.
public struct StudioApp: Sendable {
    let config: PGConfig
    let readOnly: Bool
    let publication: String?

    /// The studio for `config`'s database. Live refresh reads `publication`; nil: `dbctl_watch`
    /// if it exists, else `dbctl_studio` (made for the tables the role owns that have a primary
    /// key or replica identity), else a publication that exists.
    public init(config: PGConfig, readOnly: Bool, publication: String? = nil) {
        self.config = config
        self.readOnly = readOnly
        self.publication = publication
    }

    /// The least time between two refreshes of the open table, so a burst of commits costs a
    /// few page loads, not one each.
    static let refreshInterval = Duration.milliseconds(250)

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
        let feed = TableChangeFeed.start(config, publication: publication)
        defer { Task { await feed.close() } }
        var lastRefresh = ContinuousClock.now - Self.refreshInterval
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
            if feed.status != state.liveRefresh {
                state.liveRefresh = feed.status
                dirty = true
            }
            let changed = feed.takeChanges()
            if !changed.isEmpty { state.noteChanges(to: changed) }
            if running == nil, typed.isEmpty, ContinuousClock.now - lastRefresh >= Self.refreshInterval,
               let effect = state.refreshIfDue() {
                lastRefresh = .now
                running = start(effect, before: state, state, work)
            }
            // A refresh keeps the rows on screen until the new ones are in: no "loading".
            state.isWaiting = running.map { !$0.isRefresh } ?? false
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
        RunningWork.start(effect.label(table: state.table?.name), before: before, isRefresh: effect == .refreshPage) {
            try await work.perform(effect, state)
        }
    }

    /// Applies finished work; a failure or a cancel returns to the view before the key.
    func finish(_ work: RunningWork, _ outcome: Result<StudioChange, any Error>, _ state: inout StudioState) {
        switch outcome {
        case .success(let change):
            change(&state)
        case .failure(let error) where work.isRefresh:
            // Keys applied while it ran stay; the rows shown are the ones before.
            state.message = work.isCancelled || Self.isCancellation(error)
                ? "cancelled refreshing; the rows shown may be out of date"
                : "refreshing failed: " + "\(error)".replacingOccurrences(of: "\n", with: " ")
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
