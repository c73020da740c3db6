import CLibPQ
import Foundation

/// What the replication loop hands its data to (on the connection thread).
protocol ReplicationSink: AnyObject {
    /// One `pgoutput` message. `keepAlive` sends the server a status update when one is due;
    /// call it while waiting for the consumer. False: stop streaming.
    func receive(_ message: UnsafeRawBufferPointer, keepAlive: () throws(PGError) -> Void) throws(PGError) -> Bool
    /// The position to report as flushed, given the server's last reported end of WAL.
    func flushPosition(serverWALEnd: PGLSN) -> PGLSN
    /// Whether to stop streaming (the stream was closed).
    var shouldStop: Bool { get }
}

extension LibPQSession {
    /// Runs `START_REPLICATION` (COPY BOTH) until `sink` says stop or the connection fails:
    /// reads XLogData and keepalives, answers keepalives that ask for a reply, and sends a
    /// standby status update (written, flushed and applied positions) every `statusInterval`
    /// and whenever `wake` is signalled (an acknowledgement).
    func streamReplication(_ startSQL: String, sink: ReplicationSink, wake: WakePipe, statusInterval: Duration) throws(PGError) {
        guard let connection else { throw PGError(.connectionClosed, "the connection is closed") }
        guard let started = PQexec(connection, startSQL) else { throw connectionError(query: startSQL) }
        guard PQresultStatus(started) == PGRES_COPY_BOTH else {
            let error = makeError(from: started, query: startSQL)
            PQclear(started)
            throw error
        }
        PQclear(started)
        var received = PGLSN.zero
        var serverWALEnd = PGLSN.zero
        var lastStatus = ContinuousClock.now
        var reportedFlush: PGLSN?

        func sendStatus(force: Bool) throws(PGError) {
            let flush = sink.flushPosition(serverWALEnd: serverWALEnd)
            guard force || flush != reportedFlush || ContinuousClock.now - lastStatus >= statusInterval else { return }
            let message = Self.standbyStatusUpdate(written: max(received, flush), flushed: flush)
            let queued = message.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
            }
            guard queued == 1, PQflush(connection) == 0 else { throw connectionError(query: nil) }
            reportedFlush = flush
            lastStatus = .now
        }
        let keepAlive: () throws(PGError) -> Void = { () throws(PGError) in try sendStatus(force: false) }

        while !sink.shouldStop {
            var data: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &data, 1)
            if length > 0, let data {
                defer { PQfreemem(data) }
                let bytes = UnsafeRawBufferPointer(start: data, count: Int(length))
                madeProgress()
                switch bytes.first {
                case UInt8(ascii: "w"):
                    guard bytes.count >= 25 else { throw PgOutputDecoder.malformed("a short XLogData message") }
                    var header = PGReadBuffer(UnsafeRawBufferPointer(rebasing: bytes[1..<25]))
                    // Not the header's end of WAL as a position to confirm: it may be the
                    // server's end of WAL, past transactions not sent yet. Only a keepalive's
                    // position follows what was sent (as pg_recvlogical treats it).
                    received = max(received, PGLSN(try header.readInteger(as: UInt64.self)))
                    guard try sink.receive(UnsafeRawBufferPointer(rebasing: bytes[25...]), keepAlive: keepAlive) else { return }
                    // While data keeps coming, acknowledgements go out as they are made (a
                    // status update only when the confirmed position moved), not only in pauses.
                    try sendStatus(force: false)
                case UInt8(ascii: "k"):
                    guard bytes.count >= 18 else { throw PgOutputDecoder.malformed("a short keepalive") }
                    var body = PGReadBuffer(UnsafeRawBufferPointer(rebasing: bytes[1...]))
                    // The position the server has decoded and sent up to (`sentPtr`): every
                    // transaction committed before it came before this message.
                    serverWALEnd = max(serverWALEnd, PGLSN(try body.readInteger(as: UInt64.self)))
                    _ = try body.readInteger(as: Int64.self)
                    let replyRequested = try body.readInteger(as: UInt8.self) == 1
                    try sendStatus(force: replyRequested)
                default:
                    break
                }
                continue
            }
            if length == -1 {
                // The server ended the COPY (it is shutting down, or the slot went away).
                var failure: PGError?
                while let result = PQgetResult(connection) {
                    let status = PQresultStatus(result)
                    if failure == nil, status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE { failure = makeError(from: result, query: startSQL) }
                    PQclear(result)
                }
                throw failure ?? PGError(.connectionLost, "the server ended the change stream")
            }
            if length == -2 { throw connectionError(query: nil) }
            try sendStatus(force: false)
            let untilStatus = statusInterval - (ContinuousClock.now - lastStatus)
            let milliseconds = Int32(clamping: max(untilStatus.components.seconds * 1000 + untilStatus.components.attoseconds / 1_000_000_000_000_000, 0) + 1)
            var descriptors = [pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wake.reader, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, milliseconds)
            if ready < 0, errno != EINTR { throw PGError(.connectionLost, "poll failed: \(errno)") }
            if descriptors[1].revents != 0 { wake.drain() }
            if descriptors[0].revents != 0, PQconsumeInput(connection) == 0 { throw connectionError(query: nil) }
        }
        // Closing: tell the server how far the consumer got before the connection closes.
        try? sendStatus(force: true)
    }

    /// A standby status update ('r'): written, flushed and applied positions, the time, no reply asked.
    static func standbyStatusUpdate(written: PGLSN, flushed: PGLSN) -> [UInt8] {
        var buffer = PGWriteBuffer(capacity: 34)
        buffer.writeInteger(UInt8(ascii: "r"))
        buffer.writeInteger(written.value)
        buffer.writeInteger(flushed.value)
        buffer.writeInteger(flushed.value)
        buffer.writeInteger(Int64((Date().timeIntervalSince1970 - 946_684_800) * 1_000_000))
        buffer.writeInteger(UInt8(0))
        return buffer.bytes
    }
}
