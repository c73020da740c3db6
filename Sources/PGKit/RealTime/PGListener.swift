import Foundation
import Logging
import Synchronization

/// LISTEN/NOTIFY as an `AsyncSequence`, on a dedicated connection that survives restarts.
///
/// ```swift
/// let listener = try await PGListener.connect(config, channels: ["session_changed"])
/// for try await event in listener {
///     switch event {
///     case .notification(let note): print(note.channel, note.payload)
///     case .mayHaveMissedNotifications: reloadEverything()
///     }
/// }
/// ```
/// When `connect` returns, every channel is listened to: a notification committed from then on
/// arrives. When the connection is lost (a terminated backend, a server restart), the listener
/// reconnects with backoff (`PGReconnectBackoff`), listens to every channel again, and then
/// yields `.mayHaveMissedNotifications(.reconnected)`: what was sent meanwhile is gone, so
/// reload. A consumer that falls behind gets at most `Options.bufferCapacity` queued
/// notifications; the rest are dropped and reported as one `.bufferFull(dropped:)` event at
/// the point they were dropped (memory stays bounded; PostgreSQL's own queue never backs up).
///
/// One consumer iterates it. Leaving the loop, cancelling its task, or `close()` unlistens and
/// closes the connection. A listener that is never iterated must be closed.
public final class PGListener: AsyncSequence, Sendable {
    public typealias Element = PGListenerEvent

    /// How a listener buffers and reconnects.
    public struct Options: Sendable {
        /// Notifications kept for a consumer that is behind; more are dropped and reported.
        public var bufferCapacity: Int
        /// The waits between reconnection attempts.
        public var backoff: PGReconnectBackoff

        /// 10,000 buffered notifications, reconnecting after 100 ms doubling to 5 s.
        public init(bufferCapacity: Int = 10_000, backoff: PGReconnectBackoff = PGReconnectBackoff()) {
            self.bufferCapacity = bufferCapacity
            self.backoff = backoff
        }
    }

    private enum Phase { case connected, connecting, disconnected }

    private struct Command {
        let sql: String
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var channels: [String] = []
        var commands: [Command] = []
        var phase = Phase.connecting
        var isClosed = false
        var backendPID: Int32?
        var reconnections = 0
        var closed: [CheckedContinuation<Void, Never>] = []
        var hasEnded = false
    }

    /// The configuration it connects with.
    public let config: PGConfig
    /// Its buffering and reconnection options.
    public let options: Options
    private let logger: Logger
    private let events: ListenerChannel
    private let wake = WakePipe()
    private let state = Mutex(State())

    private init(config: PGConfig, options: Options, logger: Logger) {
        var config = config
        config.queryTimeout = config.queryTimeout ?? .seconds(30)
        self.config = config
        self.options = options
        self.logger = logger
        events = ListenerChannel(capacity: options.bufferCapacity)
    }

    /// Opens a connection of its own (never a pooled one), listens to `channels`, and starts
    /// receiving; throws when the first connection fails.
    public static func connect(_ config: PGConfig, channels: [String], options: Options = Options(),
                               logger: Logger = Logger(label: "pgkit.listener")) async throws -> PGListener {
        let listener = PGListener(config: config, options: options, logger: logger)
        listener.state.withLock { $0.channels = Self.unique(channels) }
        let connection = try await listener.openListening()
        Task { await listener.run(connection) }
        return listener
    }

    /// The channels listened to (or to be listened to again on reconnection).
    public var channels: [String] { state.withLock { $0.channels } }

    /// The server process of the current connection, nil while reconnecting.
    public var backendPID: Int32? { state.withLock { $0.backendPID } }

    /// How many times the connection was lost and reopened.
    public var reconnections: Int { state.withLock { $0.reconnections } }

    /// How many notifications were dropped since the listener started because its consumer was
    /// behind (each also reported in a `.bufferFull` event): a number to watch in production.
    public var droppedNotifications: Int { events.droppedInAll }

    /// Listens to `channel` too. Returns once the server listens (or, while the connection is
    /// down, once recorded: reconnecting listens to it).
    public func listen(_ channel: String) async throws {
        try await command("LISTEN " + PGQuery.quoteIdentifier(channel)) { channels in
            if !channels.contains(channel) { channels.append(channel) }
        }
    }

    /// Stops listening to `channel`. Notifications already received stay in the buffer.
    public func unlisten(_ channel: String) async throws {
        try await command("UNLISTEN " + PGQuery.quoteIdentifier(channel)) { channels in
            channels.removeAll { $0 == channel }
        }
    }

    private func command(_ sql: String, change: @escaping @Sendable (inout [String]) -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enum Outcome { case closed, recorded, queued }
            let outcome = state.withLock { state -> Outcome in
                if state.isClosed { return .closed }
                change(&state.channels)
                if state.phase == .disconnected { return .recorded }
                state.commands.append(Command(sql: sql, continuation: continuation))
                return .queued
            }
            switch outcome {
            case .closed: continuation.resume(throwing: PGError(.connectionClosed, "the listener is closed"))
            case .recorded: continuation.resume()
            case .queued: wake.signal()
            }
        }
    }

    /// Unlistens, closes the connection and ends the sequence (after the events already queued).
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = state.withLock { state -> Bool in
                state.isClosed = true
                if state.hasEnded { return true }
                state.closed.append(continuation)
                return false
            }
            if ended { continuation.resume() } else { wake.signal() }
        }
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(events: events, lifetime: IteratorLifetime(listener: self))
    }

    /// Reads a listener's events.
    public struct Iterator: AsyncIteratorProtocol {
        let events: ListenerChannel
        let lifetime: IteratorLifetime

        /// The next event; nil once the listener is closed or the task cancelled.
        public mutating func next() async throws -> PGListenerEvent? {
            do {
                return try await events.next()
            } catch {
                throw error
            }
        }
    }

    /// Closes the listener when the consumer's iterator goes away (the loop was left).
    final class IteratorLifetime: Sendable {
        let listener: PGListener
        init(listener: PGListener) { self.listener = listener }
        deinit {
            let listener = self.listener
            Task { await listener.close() }
        }
    }

    // MARK: The connection's loop

    private static func unique(_ channels: [String]) -> [String] {
        var seen = Set<String>()
        return channels.filter { seen.insert($0).inserted }
    }

    /// Connects and listens to every channel recorded now.
    private func openListening() async throws -> PGConnection {
        let channels = state.withLock { state -> [String] in
            state.phase = .connecting
            return state.channels
        }
        let connection = try await PGConnection.connect(config, logger: logger)
        do {
            if !channels.isEmpty {
                try await connection.executeScript(channels.map { "LISTEN " + PGQuery.quoteIdentifier($0) }.joined(separator: "; "))
            }
        } catch {
            await connection.close()
            throw error
        }
        state.withLock { state in
            state.phase = .connected
            state.backendPID = connection.backendPID
        }
        return connection
    }

    private var isClosed: Bool { state.withLock { $0.isClosed } }

    private func run(_ first: PGConnection) async {
        var connection: PGConnection? = first
        var attempt = 0
        var lostWith: PGError?
        while !isClosed {
            guard let current = connection else {
                await pause(options.backoff.delay(attempt: attempt, jitter: Double.random(in: 0...0.2)))
                if isClosed { break }
                attempt += 1
                do {
                    connection = try await openListening()
                    logger.info("listener reconnected", metadata: ["attempts": "\(attempt)"])
                    attempt = 0
                    state.withLock { $0.reconnections += 1 }
                    if let lostWith { events.push(gap: .reconnected(after: lostWith)) }
                } catch let error as PGError where Self.isFatal(error) {
                    events.finish(error: error)
                    break
                } catch {
                    state.withLock { $0.phase = .disconnected }
                    logger.debug("listener reconnect failed", metadata: ["error": "\(error)"])
                }
                continue
            }
            do {
                wake.drain()
                try await runCommands(on: current)
                let wakeReader = wake.reader
                let notifications = try await current.perform(limit: .some(nil)) { session in
                    try session.waitForNotifications(wake: wakeReader, timeout: .seconds(30))
                }
                events.push(notifications)
            } catch {
                let error = (error as? PGError) ?? PGError(.connectionLost, "\(error)")
                logger.info("listener lost its connection", metadata: ["error": "\(error)"])
                lostWith = error
                let commands = state.withLock { state -> [Command] in
                    state.phase = .disconnected
                    state.backendPID = nil
                    defer { state.commands = [] }
                    return state.commands
                }
                // Recorded in `channels`: the reconnection listens to them.
                for command in commands { command.continuation.resume() }
                await current.close()
                connection = nil
            }
        }
        if let connection {
            try? await connection.executeScript("UNLISTEN *")
            await connection.close()
        }
        let (commands, closed) = state.withLock { state in
            state.hasEnded = true
            state.phase = .disconnected
            state.backendPID = nil
            defer { state.commands = []; state.closed = [] }
            return (state.commands, state.closed)
        }
        for command in commands { command.continuation.resume(throwing: PGError(.connectionClosed, "the listener is closed")) }
        events.finish()
        for continuation in closed { continuation.resume() }
    }

    /// Runs the LISTEN and UNLISTEN statements asked for since the last wait. A lost connection
    /// is thrown (the commands stay queued for the reconnection); a server error goes to its caller.
    private func runCommands(on connection: PGConnection) async throws {
        while let command = state.withLock({ state -> Command? in state.commands.isEmpty ? nil : state.commands.removeFirst() }) {
            do {
                try await connection.executeScript(command.sql)
                command.continuation.resume()
            } catch let error as PGError where !error.isConnectionError {
                command.continuation.resume(throwing: error)
            } catch {
                state.withLock { $0.commands.insert(command, at: 0) }
                throw error
            }
        }
    }

    /// Waits `delay`, or less when the listener is closed meanwhile.
    private func pause(_ delay: Duration) async {
        let end = ContinuousClock.now + delay
        while !isClosed, ContinuousClock.now < end {
            try? await Task.sleep(for: Swift.min(.milliseconds(50), end - .now))
        }
    }

    /// Errors no retry will fix: the server refuses these credentials.
    static func isFatal(_ error: PGError) -> Bool {
        error.sqlState == .invalidPassword || error.sqlState == .invalidAuthorizationSpecification
    }
}
