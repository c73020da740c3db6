import Foundation

/// The terminal in raw mode on the alternate screen, and always put back: on quit, on a signal
/// (SIGTERM, SIGHUP) and on a crash (SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS), where the
/// handler restores it before the default action runs.
final class RawTerminal: Sendable {
    init() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw StudioError.notATerminal
        }
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        terminalState.saved = original
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        raw.c_oflag &= ~tcflag_t(OPOST)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        for signal in [SIGTERM, SIGHUP, SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS] {
            Glibc.signal(signal, restoreAndReraise)
        }
        Glibc.signal(SIGWINCH) { _ in terminalState.resized = 1 }
        write("\u{1B}[?1049h\u{1B}[?25l")
    }

    func restore() { restoreTerminal() }

    var size: (width: Int, height: Int) {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Whether the window changed size since the last call.
    func takeResize() -> Bool {
        defer { terminalState.resized = 0 }
        return terminalState.resized != 0
    }

    func draw(_ lines: [String]) {
        var frame = "\u{1B}[H"
        for (index, line) in lines.enumerated() {
            frame += line + "\u{1B}[K" + (index < lines.count - 1 ? "\r\n" : "")
        }
        write(frame)
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
    }

    /// Reads what is available (waiting up to 100 ms); empty when nothing came, nil when the
    /// terminal is gone (end of input or a hang-up: the window closed, the tmux pane died), so
    /// the studio ends instead of spinning on a dead descriptor.
    func readBytes() -> [UInt8]? {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 100)
        if ready < 0 { return errno == EINTR ? [] : nil }
        guard ready > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(STDIN_FILENO, &buffer, buffer.count)
        if count > 0 { return Array(buffer[0..<count]) }
        if count < 0, errno == EINTR || errno == EAGAIN { return [] }
        return nil
    }
}

/// What the signal handlers need, reachable from C function pointers. Written before handlers
/// are installed; a handler only reads it (and `resized`, a flag it sets).
struct TerminalState: @unchecked Sendable {
    var saved: termios?
    var resized: sig_atomic_t = 0
}

nonisolated(unsafe) var terminalState = TerminalState()

func restoreTerminal() {
    let sequence = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"
    _ = sequence.withCString { Glibc.write(STDOUT_FILENO, $0, strlen($0)) }
    if var saved = terminalState.saved { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
}

private func restoreAndReraise(_ signal: Int32) {
    restoreTerminal()
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

public enum StudioError: Error, CustomStringConvertible {
    case notATerminal
    public var description: String { "dbctl studio needs an interactive terminal" }
}
