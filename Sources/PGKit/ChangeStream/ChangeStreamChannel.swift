import Foundation

/// Hands change events from the replication connection's thread to the consumer's task, at most
/// `capacity` at a time: the producer waits (a bounded time, so it can keep the server's
/// keepalives answered) while the consumer is behind.
final class ChangeStreamChannel: @unchecked Sendable {
    // Safety: every stored property is read and written with `condition` locked.
    private let condition = NSCondition()
    private let capacity: Int
    private var events = FIFOQueue<PGChangeEvent>()
    private var finished = false
    private var failure: PGError?
    private var consumerGone = false
    private var waiter: UnsafeContinuation<PGChangeEvent?, any Error>?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// What `push` did.
    enum Push { case queued, full, consumerGone }

    /// Queues `event`, waiting up to `timeout` for room.
    func push(_ event: PGChangeEvent, timeout: TimeInterval) -> Push {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while events.count >= capacity, !consumerGone {
            if !condition.wait(until: deadline) { break }
        }
        if consumerGone {
            condition.unlock()
            return .consumerGone
        }
        guard events.count < capacity else {
            condition.unlock()
            return .full
        }
        events.append(event)
        var handoff: (UnsafeContinuation<PGChangeEvent?, any Error>, PGChangeEvent)?
        if let waiter {
            self.waiter = nil
            handoff = (waiter, take())
        }
        condition.unlock()
        if let (waiter, event) = handoff { waiter.resume(returning: event) }
        return .queued
    }

    /// Whether the consumer has taken every event queued.
    var isDrained: Bool {
        condition.lock()
        defer { condition.unlock() }
        return events.isEmpty
    }

    func finish(error: PGError?) {
        condition.lock()
        guard !finished else {
            condition.unlock()
            return
        }
        finished = true
        failure = error
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// The consumer went away: drop what is queued and let the producer stop.
    func cancel() {
        condition.lock()
        consumerGone = true
        events.removeAll()
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return consumerGone
    }

    func next() async throws -> PGChangeEvent? {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<PGChangeEvent?, any Error>) in
                condition.lock()
                if !events.isEmpty {
                    let event = take()
                    condition.unlock()
                    continuation.resume(returning: event)
                } else if finished || consumerGone {
                    let failure = self.failure
                    self.failure = nil
                    condition.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    waiter = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Takes the next event (locked, not empty), waking a producer waiting for room.
    private func take() -> PGChangeEvent {
        let event = events.popFirst()!
        condition.signal()
        return event
    }
}
