import Foundation
import PGKit

/// Writes dbctl's human output: colour only when the stream is a terminal and NO_COLOR is unset.
///
/// Every piece of text is escaped with ``TerminalSafeText`` before it is written, wherever it
/// came from (table and migration names, server messages, file names): the only escape
/// sequences dbctl writes are its own colours. Messages keep their line breaks (`error`,
/// `line(_:)`); one-line messages and the pieces of a line do not.
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

    /// Part of a line, in a colour (an SGR code such as 32 for green) or plain.
    struct Piece {
        let text: String
        let color: Int?

        static func plain(_ text: String) -> Piece { Piece(text: text, color: nil) }
        static func colored(_ text: String, _ color: Int) -> Piece { Piece(text: text, color: color) }
    }

    /// A message that may span lines.
    func line(_ text: String) { write(TerminalSafeText.escaping(text, layout: .multiLine)) }

    /// One line made of pieces, each escaped and painted on its own.
    func line(_ pieces: Piece...) {
        write(pieces.map { piece in
            let text = TerminalSafeText.escaping(piece.text)
            return piece.color.map { paint(text, $0) } ?? text
        }.joined())
    }

    func success(_ text: String) { write(paint("✓ ", 32) + TerminalSafeText.escaping(text)) }
    func note(_ text: String) { write(paint(TerminalSafeText.escaping(text), 2)) }
    func warning(_ text: String) { write(paint("warning: ", 33) + TerminalSafeText.escaping(text)) }
    func error(_ text: String) { write(paint("error: ", 31) + TerminalSafeText.escaping(Redaction.redact(text), layout: .multiLine)) }

    /// Asks a question on this stream, without a line break after it.
    func prompt(_ text: String) { handle.write(Data(TerminalSafeText.escaping(text).utf8)) }

    private func write(_ line: String) { handle.write(Data((line + "\n").utf8)) }

    private func paint(_ text: String, _ code: Int) -> String {
        usesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
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
