/// The `.env` grammar described on ``DotEnvFile``, over the file's bytes: first every line is
/// checked for NUL bytes and UTF-8, then line endings become LF and the assignments are read.
struct DotEnvParser {
    private let path: String
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    private init(bytes: [UInt8], path: String) {
        self.path = path
        self.bytes = bytes
    }

    /// The assignments in a file's bytes, or the first problem with its line.
    static func entries(in bytes: [UInt8], path: String) throws(DotEnvFileError) -> [DotEnvFile.Entry] {
        try DotEnvParser(bytes: bytes, path: path).validate()
        var text = normalizingLineEndings(bytes)
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        var parser = DotEnvParser(bytes: text, path: path)
        return try parser.entries()
    }

    // MARK: Bytes

    /// Refuses a NUL byte or invalid UTF-8, naming the line (lines end at LF, CRLF or CR).
    private func validate() throws(DotEnvFileError) {
        var start = 0
        var lineNumber = 1
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            let content = bytes[start..<end]
            if content.contains(0) { throw failure(lineNumber, .containsNUL) }
            if String(validating: content, as: UTF8.self) == nil { throw failure(lineNumber, .notUTF8) }
            guard end < bytes.count else { break }
            start = end + (bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? 2 : 1)
            lineNumber += 1
        }
    }

    /// CRLF and lone CR become LF (as Node's dotenv does), so values spanning lines hold LF.
    private static func normalizingLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D {
                result.append(0x0A)
                index += index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    // MARK: Assignments

    private mutating func entries() throws(DotEnvFileError) -> [DotEnvFile.Entry] {
        var entries: [DotEnvFile.Entry] = []
        while index < bytes.count {
            skipHorizontalSpace()
            guard let byte = current else { break }
            if byte == .lineFeed { advanceLine(); continue }
            if byte == .hash { skipToEndOfLine(); continue }
            entries.append(try assignment())
        }
        return entries
    }

    private mutating func assignment() throws(DotEnvFileError) -> DotEnvFile.Entry {
        let keyLine = line
        if matchesExport() {
            index += 6
            skipHorizontalSpace()
        }
        let keyStart = index
        while let byte = current, Self.isKeyByte(byte) { index += 1 }
        guard index > keyStart else {
            throw failure(keyLine, .malformed("expected a variable name (letters, digits, _ . -), a comment or a blank line"))
        }
        let key = String(decoding: bytes[keyStart..<index], as: UTF8.self)
        skipHorizontalSpace()
        if current == .equals {
            index += 1
        } else if current == .colon, let next = peek(1), Self.isHorizontalSpace(next) {
            index += 1
        } else {
            throw failure(keyLine, .malformed("expected = after \(key)"))
        }
        skipHorizontalSpace()
        let value: String
        switch current {
        case .doubleQuote?: value = try quoted(closing: .doubleQuote, escapes: true, key: key)
        case .singleQuote?: value = try quoted(closing: .singleQuote, escapes: false, key: key)
        case .backtick?: value = try quoted(closing: .backtick, escapes: false, key: key)
        default: value = unquoted()
        }
        return DotEnvFile.Entry(key: key, value: value, line: keyLine)
    }

    /// `"..."`, `'...'` or `` `...` ``, possibly over several lines, then an optional comment.
    private mutating func quoted(closing quote: UInt8, escapes: Bool, key: String) throws(DotEnvFileError) -> String {
        let openingLine = line
        index += 1
        var value: [UInt8] = []
        while true {
            guard let byte = current else {
                throw failure(openingLine, .malformed("the quoted value of \(key) has no closing quote"))
            }
            index += 1
            if byte == quote { break }
            if byte == .lineFeed { line += 1 }
            if escapes, byte == .backslash, let next = current {
                index += 1
                switch next {
                case UInt8(ascii: "n"): value.append(.lineFeed)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "t"): value.append(0x09)
                case .doubleQuote, .backslash, .singleQuote: value.append(next)
                default:
                    if next == .lineFeed { line += 1 }
                    value += [byte, next]
                }
                continue
            }
            value.append(byte)
        }
        skipHorizontalSpace()
        if current == .hash {
            while let byte = current, byte != .lineFeed { index += 1 }
        }
        guard current == nil || current == .lineFeed else {
            throw failure(line, .malformed("unexpected text after the closing quote of \(key) (quote the whole value, or put a space and # before a comment)"))
        }
        if current == .lineFeed { advanceLine() }
        return String(decoding: value, as: UTF8.self)
    }

    /// The rest of the line, up to a `#` that follows a space or tab, without trailing space.
    private mutating func unquoted() -> String {
        let start = index
        var end = start
        while let byte = current, byte != .lineFeed {
            if byte == .hash, Self.isHorizontalSpace(bytes[index - 1]) { break }
            index += 1
            if !Self.isHorizontalSpace(byte) { end = index }
        }
        skipToEndOfLine()
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    // MARK: Scanning

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    /// `export` followed by a space or tab.
    private func matchesExport() -> Bool {
        guard bytes[index...].starts(with: Array("export".utf8)), let next = peek(6) else { return false }
        return Self.isHorizontalSpace(next)
    }

    private mutating func skipHorizontalSpace() {
        while let byte = current, Self.isHorizontalSpace(byte) { index += 1 }
    }

    private mutating func skipToEndOfLine() {
        while let byte = current, byte != .lineFeed { index += 1 }
        if current == .lineFeed { advanceLine() }
    }

    private mutating func advanceLine() {
        index += 1
        line += 1
    }

    private static func isHorizontalSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private func failure(_ line: Int, _ reason: DotEnvFileError.Reason) -> DotEnvFileError {
        DotEnvFileError(path: path, line: line, reason: reason)
    }
}

private extension UInt8 {
    static let lineFeed = UInt8(ascii: "\n"), hash = UInt8(ascii: "#"), equals = UInt8(ascii: "="), colon = UInt8(ascii: ":")
    static let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'"), backtick = UInt8(ascii: "`")
    static let backslash = UInt8(ascii: "\\")
}
