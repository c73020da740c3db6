import Foundation

/// A `.env` file, read the way the common dotenv tools (python-dotenv, Node's dotenv, godotenv)
/// read it, or refused with the line that is wrong.
///
/// ```swift
/// if let file = try DotEnvFile.load(path: ".env") {      // nil when there is no .env
///     let url = file["DATABASE_URL"]
/// }
/// ```
///
/// Accepted: `KEY=value` lines; `export` followed by any spaces or tabs; `KEY: value`; spaces
/// around `=`; empty values; blank lines and `#` comment lines; values in double quotes (with
/// `\n`, `\r`, `\t`, `\"`, `\\` and `\'` escapes), single quotes or backticks (literal), all
/// three spanning lines; a `#` comment after a closing quote, or after an unquoted value when a
/// space or tab comes before the `#` (`pa#ss` stays whole); LF, CRLF or CR line endings; a
/// UTF-8 byte order mark. `$VARIABLE`s are not expanded. When a key appears more than once,
/// the last one wins (``lines(of:)`` tells where each one is).
///
/// Refused with a ``DotEnvFileError`` naming the file (and the line where it can): a file that
/// exists but cannot be read (permissions, a directory or FIFO named `.env`, a broken or looping
/// symbolic link), bytes that are not UTF-8, a NUL byte, and any line that is none of the above.
/// Errors never quote the offending text, since a `.env` holds secrets.
public struct DotEnvFile: Sendable, Equatable {
    /// One `KEY=value` assignment, with the line its key is on.
    public struct Entry: Sendable, Equatable {
        /// The variable's name.
        public let key: String
        /// The value, quotes removed and escapes applied.
        public let value: String
        /// 1-based line the key is on.
        public let line: Int
    }

    /// The file's path, as given.
    public let path: String
    /// Every assignment, in file order (duplicates included).
    public let entries: [Entry]

    /// Parses `bytes` read from `path` (used in error messages).
    public init(parsing bytes: [UInt8], path: String) throws(DotEnvFileError) {
        self.path = path
        entries = try DotEnvParser.entries(in: bytes, path: path)
    }

    /// Reads and parses the file at `path`; nil when nothing exists there. Anything that
    /// exists but cannot be read as a regular file is an error, never nil.
    public static func load(path: String) throws(DotEnvFileError) -> DotEnvFile? {
        guard let bytes = try readBytes(path) else { return nil }
        return try DotEnvFile(parsing: bytes, path: path)
    }

    /// The value of the last assignment to `key`.
    public subscript(key: String) -> String? {
        entries.last { $0.key == key }?.value
    }

    /// Every line that assigns `key`, in file order; the last one is the value used.
    public func lines(of key: String) -> [Int] {
        entries.filter { $0.key == key }.map(\.line)
    }

    /// The file's bytes; nil when no file (and no symbolic link) exists at `path`.
    private static func readBytes(_ path: String) throws(DotEnvFileError) -> [UInt8]? {
        var status = stat()
        if lstat(path, &status) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw DotEnvFileError(path: path, line: nil, reason: .unreadable(String(cString: strerror(errno))))
        }
        // O_NONBLOCK: opening a FIFO must not wait for a writer.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DotEnvFileError(path: path, line: nil, reason: .unreadable(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else {
            throw DotEnvFileError(path: path, line: nil, reason: .unreadable(String(cString: strerror(errno))))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw DotEnvFileError(path: path, line: nil, reason: .notARegularFile)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw DotEnvFileError(path: path, line: nil, reason: .unreadable(String(cString: strerror(errno))))
            }
            bytes += chunk[0..<count]
        }
    }
}
