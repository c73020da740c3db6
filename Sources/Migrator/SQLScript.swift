/// A SQL file split into statements, each with the line it starts on, produced one at a time.
///
/// The splitter understands what may hide a `;`: single-quoted strings (with `''` and
/// `E'\''` escapes), double-quoted identifiers, `--` and nested `/* */` comments, dollar-quoted
/// bodies (`$$...$$`, `$fn$...$fn$`) and SQL-standard `BEGIN ATOMIC ... END` function bodies.
///
/// It reads the text's UTF-8 bytes in place and makes a `String` only for the statement being
/// handed out, so iterating a 50 MB file holds the file once plus one statement:
/// ```swift
/// for statement in SQLScript(sql) { try await connection.executeScript(statement.sql) }
/// ```
public struct SQLScript: Sendable, Equatable, Sequence {
    public struct Statement: Sendable, Equatable {
        /// The statement's text, without the terminating `;` and surrounding white space
        /// (comments before it are kept, so hints such as `/*+ ... */` reach the server).
        public var sql: String
        /// 1-based line in the file where the statement's first token is.
        public var line: Int
        /// 1-based line where `sql` begins (a comment before the first token starts earlier):
        /// the base for turning a server error's character position into a file line.
        var textLine: Int
        /// Where `sql` is in the script's UTF-8 bytes, and the line it ends on.
        var bytes: Range<Int> = 0..<0
        var endLine = 0
    }

    /// The whole script.
    public let text: String

    /// A script over `text` (nothing is split until it is iterated).
    public init(_ text: String) {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        self.text = contiguous
    }

    /// Every statement, all at once (iterate the script instead to hold one at a time).
    public var statements: [Statement] { Array(self) }

    /// Whether the script holds any statement (anything besides comments and white space).
    public var hasStatements: Bool {
        var iterator = makeIterator()
        return iterator.nextRange() != nil
    }

    /// Iterates the statements from the start.
    public func makeIterator() -> Iterator { Iterator(text: text) }

    /// Produces the statements in order, lexing only as far as the next one.
    public struct Iterator: IteratorProtocol {
        private let text: String
        private var offset = 0
        private var line = 1

        init(text: String) { self.text = text }

        /// The next statement, or nil after the last.
        public mutating func next() -> Statement? {
            guard let range = nextRange() else { return nil }
            let sql = text.utf8.withContiguousStorageIfAvailable { String(decoding: $0[range.bytes], as: UTF8.self) }
                ?? String(decoding: Array(text.utf8)[range.bytes], as: UTF8.self)
            return Statement(sql: sql, line: range.tokenLine, textLine: range.textLine, bytes: range.bytes, endLine: range.endLine)
        }

        /// The byte range of the next statement, without making its `String`.
        mutating func nextRange() -> StatementLexer.Range? {
            var lexer = StatementLexer(offset: offset, line: line)
            let found = text.utf8.withContiguousStorageIfAvailable { lexer.nextStatement(in: $0) }
                ?? Array(text.utf8).withUnsafeBufferPointer { lexer.nextStatement(in: $0) }
            offset = lexer.offset
            line = lexer.line
            return found
        }
    }
}
