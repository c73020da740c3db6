import Foundation

/// Rows of a streamed query, as an `AsyncSequence`. Only a bounded number of rows is buffered
/// between the connection and the consumer, however large the result.
public struct PGRowStream: AsyncSequence, Sendable {
    public typealias Element = PGRow
    let channel: RowStreamChannel

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: IteratorHandle(channel: channel))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: IteratorHandle

        public mutating func next() async throws -> PGRow? {
            try await handle.channel.next()
        }
    }

    /// Tells the producer when the consumer stops iterating (the iterator is dropped).
    final class IteratorHandle: Sendable {
        let channel: RowStreamChannel
        init(channel: RowStreamChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }
}

/// The hand-off between the connection thread (producer, which may block) and an async
/// consumer. Everything is guarded by `condition`.
final class RowStreamChannel: @unchecked Sendable {
    static let batchSize = 256
    static let maxBufferedRows = 4 * batchSize

    private let condition = NSCondition()
    private var rows = FIFOQueue<PGRow>(compactingAfter: batchSize)
    private var finished = false
    private var failure: PGError?
    private var consumerGone = false
    private var waiter: UnsafeContinuation<PGRow?, any Error>?

    /// Called by the producer; blocks while the buffer is full. False once the consumer left.
    func push(_ batch: [PGRow]) -> Bool {
        condition.lock()
        while rows.count >= Self.maxBufferedRows && !consumerGone { condition.wait() }
        if consumerGone {
            condition.unlock()
            return false
        }
        rows.append(contentsOf: batch)
        let resumed = takeWaiterWithRow()
        condition.unlock()
        resumed?.0.resume(returning: resumed?.1)
        return true
    }

    func finish(error: PGError?) {
        condition.lock()
        if finished {
            condition.unlock()
            return
        }
        finished = true
        failure = error
        let waiter = self.waiter
        self.waiter = nil
        let next = waiter != nil && !rows.isEmpty ? takeRow() : nil
        condition.unlock()
        if let waiter {
            if let next { waiter.resume(returning: next) }
            else if let error { waiter.resume(throwing: error) }
            else { waiter.resume(returning: nil) }
        }
    }

    func cancel() {
        condition.lock()
        consumerGone = true
        rows.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    func next() async throws -> PGRow? {
        if let ready = try poll() { return ready.row }
        return try await withUnsafeThrowingContinuation { continuation in
            condition.lock()
            if !rows.isEmpty {
                let row = takeRow()
                condition.unlock()
                continuation.resume(returning: row)
            } else if finished {
                let error = failure
                failure = nil
                condition.unlock()
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
    }

    /// The next row or the end, when available without waiting; nil when the caller must wait.
    private func poll() throws -> (row: PGRow?, Void)? {
        condition.lock()
        defer { condition.unlock() }
        if !rows.isEmpty { return (takeRow(), ()) }
        if finished {
            if let error = failure {
                failure = nil
                throw error
            }
            return (nil, ())
        }
        return nil
    }

    /// Must hold the lock.
    private func takeRow() -> PGRow {
        // Rows already taken leave the queue a batch at a time (FIFOQueue): a producer that keeps
        // it from ever emptying must not keep every row (and its libpq result) it ever pushed.
        let row = rows.popFirst()!
        if rows.isEmpty || rows.count == Self.maxBufferedRows / 2 { condition.signal() }
        return row
    }

    /// Must hold the lock.
    private func takeWaiterWithRow() -> (UnsafeContinuation<PGRow?, any Error>, PGRow)? {
        guard let waiter, !rows.isEmpty else { return nil }
        self.waiter = nil
        return (waiter, takeRow())
    }
}
