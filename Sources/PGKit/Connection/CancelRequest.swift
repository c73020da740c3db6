import CLibPQ
import Foundation

/// A cancel request for one backend, sent by PGKit itself over a non-blocking socket with a
/// deadline, so that an unreachable or stopped server can never hold the caller longer than
/// that deadline (libpq 15's `PQcancel` has no timeout: it retries its connect for minutes on
/// an unreachable host and waits forever on a stopped one).
///
/// The protocol's CancelRequest message needs the backend's secret key, which libpq 15 does not
/// expose; it keeps it in the `PGcancel` it hands out. `read(from:connection:)` reads the
/// address, pid and key from that structure (its layout in libpq 12 to 16 starts with
/// `struct sockaddr_storage`, `socklen_t`, pid, key) and accepts them only when they check out:
/// the pid equals `PQbackendPID`, the address family and length agree. Otherwise it returns nil
/// and the caller falls back to `PQcancel` on a thread it can abandon.
struct CancelRequest: Sendable {
    /// The server address the connection uses (IPv4, IPv6 or a Unix socket), as raw bytes.
    let address: [UInt8]
    let backendPID: Int32
    let secretKey: Int32

    /// How a send ended.
    enum Outcome: Equatable, Sendable {
        /// The server received the request and closed the cancel connection.
        case delivered
        /// The deadline passed first (a partition, a stopped server).
        case timedOut
        /// The connect or the write failed (refused, unreachable).
        case failed(errno: Int32)
    }

    /// Reads the request out of libpq's `PGcancel`, or nil when its layout is not the expected one.
    static func read(from handle: OpaquePointer, connection: OpaquePointer) -> CancelRequest? {
        let raw = UnsafeRawPointer(handle)
        let storageSize = MemoryLayout<sockaddr_storage>.size
        let length = Int(raw.loadUnaligned(fromByteOffset: storageSize, as: socklen_t.self))
        let pid = raw.loadUnaligned(fromByteOffset: storageSize + 4, as: Int32.self)
        let key = raw.loadUnaligned(fromByteOffset: storageSize + 8, as: Int32.self)
        guard pid == PQbackendPID(connection), pid != 0, length > 0, length <= storageSize else { return nil }
        let family = Int32(raw.loadUnaligned(fromByteOffset: 0, as: sa_family_t.self))
        switch family {
        case AF_INET: guard length == MemoryLayout<sockaddr_in>.size else { return nil }
        case AF_INET6: guard length == MemoryLayout<sockaddr_in6>.size else { return nil }
        case AF_UNIX: guard length <= MemoryLayout<sockaddr_un>.size else { return nil }
        default: return nil
        }
        let address = Array(UnsafeRawBufferPointer(start: raw, count: length))
        return CancelRequest(address: address, backendPID: pid, secretKey: key)
    }

    /// The 16-byte CancelRequest message: length, the cancel code 80877102, pid, key.
    var message: [UInt8] {
        var bytes: [UInt8] = []
        for value in [Int32(16), Int32(80_877_102), backendPID, secretKey] {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Connects, writes the message and waits for the server to close the connection (so the
    /// cancel has been acted on), all within `timeout`. Blocks the calling thread at most that long.
    func send(timeout: Duration) -> Outcome {
        let deadline = ContinuousClock.now + timeout
        let family = Int32(address.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: sa_family_t.self) })
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failed(errno: errno) }
        defer { close(descriptor) }
        let connected = address.withUnsafeBytes { bytes in
            connect(descriptor, bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(bytes.count))
        }
        if connected != 0 {
            guard errno == EINPROGRESS else { return .failed(errno: errno) }
            guard Self.wait(descriptor, for: Int16(POLLOUT), until: deadline) else { return .timedOut }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size)
            if error != 0 { return .failed(errno: error) }
        }
        let bytes = message
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                written += count
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                guard Self.wait(descriptor, for: Int16(POLLOUT), until: deadline) else { return .timedOut }
            } else {
                return .failed(errno: errno)
            }
        }
        // The postmaster closes the connection once it has signalled the backend.
        var scratch = [UInt8](repeating: 0, count: 64)
        while true {
            guard Self.wait(descriptor, for: Int16(POLLIN), until: deadline) else { return .timedOut }
            let count = recv(descriptor, &scratch, scratch.count, 0)
            if count == 0 { return .delivered }
            if count < 0, errno != EAGAIN, errno != EINTR { return .delivered }  // reset by the peer: it is done with us
        }
    }

    /// Waits until `descriptor` is ready for `events` or `deadline` passes; false on the deadline.
    private static func wait(_ descriptor: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return false }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return true }  // let the next call report the error
        }
    }
}
