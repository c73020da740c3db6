/// Why a `.env` file was refused: which file, which line (when there is one), and what is
/// wrong. The text never quotes the file's contents, which hold secrets.
public struct DotEnvFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the file.
    public enum Reason: Sendable, Equatable {
        /// The file exists but could not be opened or read (the system's reason).
        case unreadable(String)
        /// `.env` is a directory, FIFO, device or socket, not a file.
        case notARegularFile
        /// The line holds bytes that are not UTF-8.
        case notUTF8
        /// The line holds a NUL byte.
        case containsNUL
        /// The line is not `KEY=value`, a comment or blank; says what was expected.
        case malformed(String)
    }

    /// The file, as given to ``DotEnvFile/load(path:)``.
    public let path: String
    /// 1-based line, for problems inside the file.
    public let line: Int?
    /// What is wrong.
    public let reason: Reason

    /// An error about `path`, at `line` when the problem is inside the file.
    public init(path: String, line: Int?, reason: Reason) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: what is wrong`, never quoting the file's contents.
    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        switch reason {
        case .unreadable(let why): return "\(place) exists but cannot be read (\(why))"
        case .notARegularFile: return "\(place) exists but is not a regular file"
        case .notUTF8: return "\(place): not valid UTF-8"
        case .containsNUL: return "\(place): contains a NUL byte"
        case .malformed(let expected): return "\(place): \(expected)"
        }
    }
}
