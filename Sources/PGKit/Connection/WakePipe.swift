import Foundation

/// A pipe whose read end a blocking wait polls beside its socket: `signal()` ends the wait.
final class WakePipe: Sendable {
    // The descriptors are set once and closed in deinit.
    let reader: Int32
    private let writer: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) != 0 { fatalError("pgkit: cannot create a pipe: \(errno)") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        reader = descriptors[0]
        writer = descriptors[1]
    }

    deinit {
        close(reader)
        close(writer)
    }

    /// Ends the current (or next) wait.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writer, &byte, 1)
    }

    /// Empties the pipe, so the next wait blocks again.
    func drain() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(reader, $0.baseAddress, $0.count) }) > 0 {}
    }
}
