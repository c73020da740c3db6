import Foundation

/// Writes dbctl's human output: colour only when the stream is a terminal and NO_COLOR is unset.
struct Terminal: Sendable {
    let handle: FileHandle
    let usesColor: Bool

    static let standardOutput = Terminal(handle: .standardOutput, descriptor: STDOUT_FILENO)
    static let standardError = Terminal(handle: .standardError, descriptor: STDERR_FILENO)

    init(handle: FileHandle, descriptor: Int32) {
        self.handle = handle
        usesColor = isatty(descriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Whether standard input is a terminal someone can answer prompts on.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    func line(_ text: String) { handle.write(Data((text + "\n").utf8)) }

    func success(_ text: String) { line(paint("✓ ", 32) + text) }
    func note(_ text: String) { line(paint(text, 2)) }
    func warning(_ text: String) { line(paint("warning: ", 33) + text) }
    func error(_ text: String) { line(paint("error: ", 31) + Redaction.redact(text)) }

    func paint(_ text: String, _ code: Int) -> String {
        usesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { paint(text, 1) }
}

/// Removes passwords from any text dbctl prints, whatever produced it.
enum Redaction {
    static func redact(_ text: String) -> String {
        var result = text
        // postgresql://user:password@host -> postgresql://user:********@host
        let pattern = #"(postgres(?:ql)?://[^:/@\s]+:)[^@\s]+@"#
        if let regex = try? NSRegularExpression(pattern: pattern) {
            result = regex.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1********@")
        }
        if let regex = try? NSRegularExpression(pattern: #"(password\s*=\s*)('[^']*'|\S+)"#, options: [.caseInsensitive]) {
            result = regex.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1********")
        }
        return result
    }
}
