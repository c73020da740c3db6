/// Reads lexemes out of `tsvector` and `tsquery` text the way PostgreSQL's own parser does
/// (`gettoken_tsvector`): bare words end at whitespace (and, in a `tsquery`, at the operators
/// `! & | ( ) <`); `'quoted words'` may hold anything, `''` being a quote; a backslash takes
/// the next character literally; in a `tsvector`, `:1A,2` after a word lists its positions.
///
/// Where the server would silently change a value the scanner refuses it instead: positions
/// above 16383 (the server caps them) and whitespace outside ASCII in a bare word (whether the
/// server splits there depends on the database's locale).
struct TextSearchScanner {
    private let scalars: [Unicode.Scalar]
    private(set) var index = 0
    private let isQuery: Bool
    private let typeName: String
    private let source: String

    init(_ text: String, isQuery: Bool) throws(PGError) {
        scalars = Array(text.unicodeScalars)
        self.isQuery = isQuery
        typeName = isQuery ? "tsquery" : "tsvector"
        source = text
        if scalars.contains("\0") { throw PGError(.invalidParameter, "\(typeName) text contains a NUL character") }
    }

    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    mutating func advance() { index += 1 }

    func syntaxError() -> PGError { PGError(.invalidParameter, "syntax error in \(typeName): \"\(source)\"") }

    /// ASCII whitespace, as C's `isspace`; other whitespace is refused as ambiguous.
    func isSpace(_ scalar: Unicode.Scalar) throws(PGError) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return true
        case 0..<0x80: return false
        default:
            if scalar.properties.isWhitespace {
                throw PGError(.invalidParameter, "\(typeName) text has the whitespace character U+\(String(scalar.value, radix: 16, uppercase: true)) outside quotes; quote the lexeme ('...') so that it does not depend on the server's locale")
            }
            return false
        }
    }

    static func isOperator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "!" || scalar == "&" || scalar == "|" || scalar == "(" || scalar == ")" || scalar == "<"
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    private enum State { case waitWord, waitEndWord, waitNextChar, waitEndComplex, waitCharComplex, waitPositions, inPosition, waitPositionDelimiter }

    /// The next lexeme and its positions (always none in a `tsquery`), or nil at the end of
    /// the text. Leaves `index` at the first character after the lexeme.
    mutating func nextLexeme() throws(PGError) -> (text: String, positions: [PGTSVector.Position])? {
        var state = State.waitWord
        var resume = State.waitEndWord
        var word = String.UnicodeScalarView()
        var positions: [PGTSVector.Position] = []
        var lastWeight: PGTSVector.Weight = .d
        func token() -> (text: String, positions: [PGTSVector.Position]) { (String(word), positions) }
        func setWeight(_ weight: PGTSVector.Weight) throws(PGError) {
            guard lastWeight == .d else { throw syntaxError() }
            lastWeight = weight
            positions[positions.count - 1] = PGTSVector.Position(unchecked: positions[positions.count - 1].index, weight: weight)
        }
        while true {
            let c = current
            switch state {
            case .waitWord:
                guard let c else { return nil }
                if c == "'" {
                    state = .waitEndComplex
                } else if c == "\\" {
                    state = .waitNextChar
                    resume = .waitEndWord
                } else if isQuery && Self.isOperator(c) {
                    throw syntaxError()
                } else if try !isSpace(c) {
                    word.append(c)
                    state = .waitEndWord
                }
            case .waitNextChar:
                guard let c else { throw PGError(.invalidParameter, "there is no escaped character: \"\(source)\"") }
                word.append(c)
                state = resume
            case .waitEndWord:
                var endsWord = true
                if let c { endsWord = try isSpace(c) || (isQuery && Self.isOperator(c)) }
                if c == "\\" {
                    state = .waitNextChar
                    resume = .waitEndWord
                } else if endsWord {
                    guard !word.isEmpty else { throw syntaxError() }
                    return token()
                } else if c == ":" {
                    guard !word.isEmpty else { throw syntaxError() }
                    if isQuery { return token() }
                    state = .inPosition
                } else {
                    word.append(c!)
                }
            case .waitEndComplex:
                guard let c else { throw syntaxError() }
                if c == "'" {
                    state = .waitCharComplex
                } else if c == "\\" {
                    state = .waitNextChar
                    resume = .waitEndComplex
                } else {
                    word.append(c)
                }
            case .waitCharComplex:
                if c == "'" {
                    word.append("'")
                    state = .waitEndComplex
                } else {
                    guard !word.isEmpty else { throw syntaxError() }
                    if isQuery { return token() }
                    state = .waitPositions
                    continue  // look at this character again
                }
            case .waitPositions:
                guard c == ":" else { return token() }
                state = .inPosition
            case .inPosition:
                guard let c, Self.isDigit(c) else { throw syntaxError() }
                var value = 0
                var digit = index
                while digit < scalars.count, Self.isDigit(scalars[digit]) {
                    value = value * 10 + Int(scalars[digit].value - 0x30)
                    if value > PGTSVector.Position.maxIndex { break }
                    digit += 1
                }
                guard value != 0 else { throw PGError(.invalidParameter, "wrong position info in tsvector: \"\(source)\"") }
                guard value <= PGTSVector.Position.maxIndex else {
                    throw PGError(.invalidParameter, "tsvector position above \(PGTSVector.Position.maxIndex) (the server would store \(PGTSVector.Position.maxIndex) instead): \"\(source)\"")
                }
                positions.append(PGTSVector.Position(unchecked: value, weight: .d))
                lastWeight = .d
                state = .waitPositionDelimiter
            case .waitPositionDelimiter:
                guard let c else { return token() }
                switch c {
                case ",": state = .inPosition
                case "a", "A", "*": try setWeight(.a)
                case "b", "B": try setWeight(.b)
                case "c", "C": try setWeight(.c)
                case "d", "D": try setWeight(.d)
                default:
                    if try isSpace(c) { return token() }
                    guard Self.isDigit(c) else { throw syntaxError() }  // the rest of a number already read
                }
            }
            advance()
        }
    }
}
