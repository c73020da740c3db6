/// A `tsquery` value: lexemes combined with `&` (and), `|` (or), `!` (not) and the phrase
/// operators `<->` and `<N>`, for full-text search.
///
/// Made from PostgreSQL's text syntax, parsed as the server's `::tsquery` input parses it
/// (operator precedence `!`, then `<->`, then `&`, then `|`; no stemming, which is
/// `to_tsquery`'s job), and printed exactly as the server prints it:
/// ```swift
/// let query = try PGTSQuery("fat & (rat | cat:*)")         // 'fat' & ( 'rat' | 'cat':* )
/// let hits = try await conn.query("SELECT id FROM notes WHERE search @@ \(query)")
/// ```
///
/// The empty query (`""`) is a query that matches nothing, as `''::tsquery` is. Lexemes of 2047 bytes or more, and phrase distances above 16384, are refused with
/// `.invalidParameter`. Reading a `tsquery` column into `String` gives the same text.
public struct PGTSQuery: Hashable, Sendable, CustomStringConvertible {
    indirect enum Node: Hashable, Sendable {
        /// A lexeme with its weight mask (A 8, B 4, C 2, D 1) and prefix flag (`:*`).
        case lexeme(String, weights: UInt8, prefix: Bool)
        case not(Node)
        case and(Node, Node)
        case or(Node, Node)
        case phrase(Node, Node, distance: Int)

        var priority: Int {
            switch self {
            case .lexeme: return 5
            case .not: return 4
            case .phrase: return 3
            case .and: return 2
            case .or: return 1
            }
        }
    }

    let root: Node?

    /// Parses PostgreSQL's `tsquery` syntax: lexemes (quoted with `'...'` when they hold
    /// spaces or operators), optionally followed by `:` with weights `A`-`D` and `*` for a
    /// prefix match, joined by `&`, `|`, `<->`, `<N>` and `!`, with parentheses.
    public init(_ text: String) throws(PGError) {
        var parser = try TSQueryParser(text)
        root = try parser.parse()
        if let root { try Self.validate(root) }
    }

    private init(root: Node?) { self.root = root }

    /// Whether the query has no lexemes (`''::tsquery`).
    public var isEmpty: Bool { root == nil }

    /// How deeply operators may nest (a chain of 1,000 `&` nests 1,000 deep): printing and
    /// reading a query recurse, here as in the server.
    static let maxDepth = 1_000

    static func tooDeep() -> PGError {
        PGError(.invalidParameter, "tsquery nests operators more than \(maxDepth) levels deep")
    }

    /// Checks lengths, distances and depth without recursing.
    private static func validate(_ root: Node) throws(PGError) {
        var stack: [(Node, Int)] = [(root, 1)]
        while let (node, depth) = stack.popLast() {
            guard depth <= maxDepth else { throw tooDeep() }
            switch node {
            case .lexeme(let text, _, _):
                guard text.utf8.count < 2047 else {
                    throw PGError(.invalidParameter, "tsquery operand of \(text.utf8.count) bytes is too long (at most 2046)")
                }
            case .not(let child):
                stack.append((child, depth + 1))
            case .and(let left, let right), .or(let left, let right):
                stack.append((left, depth + 1))
                stack.append((right, depth + 1))
            case .phrase(let left, let right, let distance):
                guard (0...16_384).contains(distance) else {
                    throw PGError(.invalidParameter, "distance in phrase operator must be an integer value between zero and 16384 inclusive")
                }
                stack.append((left, depth + 1))
                stack.append((right, depth + 1))
            }
        }
    }

    /// PostgreSQL's output form: `'fat' & ( 'rat' | 'cat':* )`, `!'a' <2> 'b'`, and the empty
    /// string for the empty query.
    public var description: String {
        guard let root else { return "" }
        var text = ""
        Self.write(root, parentPriority: 0, isRightOfPhrase: false, into: &text)
        return text
    }

    private static func write(_ node: Node, parentPriority: Int, isRightOfPhrase: Bool, into text: inout String) {
        switch node {
        case .lexeme(let lexeme, let weights, let prefix):
            text += TextSearchText.quoted(lexeme)
            if weights != 0 || prefix {
                text += ":"
                if prefix { text += "*" }
                if weights & 8 != 0 { text += "A" }
                if weights & 4 != 0 { text += "B" }
                if weights & 2 != 0 { text += "C" }
                if weights & 1 != 0 { text += "D" }
            }
        case .not(let child):
            text += "!"
            write(child, parentPriority: node.priority, isRightOfPhrase: false, into: &text)
        case .and(let left, let right), .or(let left, let right), .phrase(let left, let right, _):
            var isPhrase = false
            var symbol = node.priority == 2 ? " & " : " | "
            if case .phrase(_, _, let distance) = node {
                isPhrase = true
                symbol = distance == 1 ? " <-> " : " <\(distance)> "
            }
            let parenthesized = node.priority < parentPriority || (isPhrase && isRightOfPhrase)
            if parenthesized { text += "( " }
            write(left, parentPriority: node.priority, isRightOfPhrase: false, into: &text)
            text += symbol
            write(right, parentPriority: node.priority, isRightOfPhrase: isPhrase, into: &text)
            if parenthesized { text += " )" }
        }
    }
}

extension PGTSQuery: PGCodable {
    public static var pgDataType: PGDataType { .tsquery }

    /// `tsquerysend`'s format: the number of items, then the items in prefix order with each
    /// operator's right operand first: lexemes as type 1, weight mask, prefix flag and
    /// NUL-terminated text; operators as type 2 and operator (1 not, 2 and, 3 or, 4 phrase,
    /// which adds a 16-bit distance).
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        guard let root else {
            buffer.writeInteger(Int32(0))
            return
        }
        var count = 0
        let countOffset = buffer.count
        buffer.writeInteger(Int32(0))
        Self.write(root, into: &buffer, count: &count)
        buffer.patchInteger(Int32(count), at: countOffset)
    }

    private static func write(_ node: Node, into buffer: inout PGWriteBuffer, count: inout Int) {
        count += 1
        switch node {
        case .lexeme(let text, let weights, let prefix):
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(weights)
            buffer.writeInteger(UInt8(prefix ? 1 : 0))
            buffer.writeBytes(text.utf8)
            buffer.writeInteger(UInt8(0))
        case .not(let child):
            buffer.writeInteger(UInt8(2))
            buffer.writeInteger(UInt8(1))
            write(child, into: &buffer, count: &count)
        case .and(let left, let right), .or(let left, let right), .phrase(let left, let right, _):
            buffer.writeInteger(UInt8(2))
            switch node {
            case .and: buffer.writeInteger(UInt8(2))
            case .or: buffer.writeInteger(UInt8(3))
            case .phrase(_, _, let distance):
                buffer.writeInteger(UInt8(4))
                buffer.writeInteger(Int16(distance))
            default: break
            }
            write(right, into: &buffer, count: &count)
            write(left, into: &buffer, count: &count)
        }
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .tsquery, for: PGTSQuery.self)
        let count = Int(try buffer.readInteger(as: Int32.self))
        guard count >= 0, count <= buffer.readableBytes / 2 else {
            throw PGError(.decodingFailed, "malformed tsquery: \(count) items in \(buffer.readableBytes) bytes")
        }
        if count == 0 {
            try buffer.expectEnd("tsquery")
            self.init(root: nil)
            return
        }
        var remaining = count
        let root = try Self.readNode(&buffer, remaining: &remaining, depth: 0)
        guard remaining == 0 else { throw PGError(.decodingFailed, "malformed tsquery: \(remaining) items left over") }
        try buffer.expectEnd("tsquery")
        self.init(root: root)
    }

    private static func readNode(_ buffer: inout PGReadBuffer, remaining: inout Int, depth: Int) throws(PGError) -> Node {
        guard remaining > 0 else { throw PGError(.decodingFailed, "malformed tsquery: operand missing") }
        guard depth < maxDepth else { throw PGError(.decodingFailed, "tsquery nests operators more than \(maxDepth) levels deep") }
        remaining -= 1
        switch try buffer.readInteger(as: UInt8.self) {
        case 1:
            let weights = try buffer.readInteger(as: UInt8.self)
            let prefix = try buffer.readInteger(as: UInt8.self)
            guard weights <= 0xF else { throw PGError(.decodingFailed, "malformed tsquery: weight mask \(weights)") }
            return .lexeme(try TextSearchText.readCString(&buffer, typeName: "tsquery"), weights: weights, prefix: prefix != 0)
        case 2:
            let operation = try buffer.readInteger(as: UInt8.self)
            switch operation {
            case 1:
                return .not(try readNode(&buffer, remaining: &remaining, depth: depth + 1))
            case 2, 3, 4:
                let distance = operation == 4 ? Int(try buffer.readInteger(as: Int16.self)) : 0
                let right = try readNode(&buffer, remaining: &remaining, depth: depth + 1)
                let left = try readNode(&buffer, remaining: &remaining, depth: depth + 1)
                switch operation {
                case 2: return .and(left, right)
                case 3: return .or(left, right)
                default: return .phrase(left, right, distance: distance)
                }
            default:
                throw PGError(.decodingFailed, "malformed tsquery: operator \(operation)")
            }
        case let kind:
            throw PGError(.decodingFailed, "malformed tsquery: item type \(kind)")
        }
    }
}

/// The server's `tsquery` input parser (`parse_tsquery` with `gettoken_query_standard`):
/// operands alternate with operators, `!` binds tightest and to the right, then `<->`, `&`
/// and `|`, each to the left.
struct TSQueryParser {
    private enum Token {
        case end, open, close
        case value(PGTSQuery.Node)
        case operation(Operation)
    }

    private enum Operation {
        case not, and, or, phrase(Int)
        var priority: Int {
            switch self {
            case .not: return 4
            case .phrase: return 3
            case .and: return 2
            case .or: return 1
            }
        }
    }

    private enum State { case firstOperand, operand, operatorExpected }

    private var scanner: TextSearchScanner
    private let source: String
    private var state = State.firstOperand
    private var depth = 0
    private var operands: [PGTSQuery.Node] = []

    init(_ text: String) throws(PGError) {
        scanner = try TextSearchScanner(text, isQuery: true)
        source = text
    }

    /// The query's tree, or nil for a query without lexemes.
    mutating func parse() throws(PGError) -> PGTSQuery.Node? {
        try parseLevel()
        guard operands.count <= 1 else { throw scanner.syntaxError() }
        return operands.first
    }

    private mutating func parseLevel() throws(PGError) {
        var pending: [Operation] = []
        while true {
            switch try nextToken() {
            case .end:
                try flush(&pending, below: 0)
                return
            case .value(let node):
                operands.append(node)
            case .operation(let operation):
                // NOT is right-associative; the others leave equal-priority operators to apply first.
                if case .not = operation {} else { try flush(&pending, below: operation.priority) }
                pending.append(operation)
            case .open:
                try parseLevel()
            case .close:
                try flush(&pending, below: 0)
                return
            }
        }
    }

    /// Applies pending operators whose priority is at least `priority`.
    private mutating func flush(_ pending: inout [Operation], below priority: Int) throws(PGError) {
        while let last = pending.last, last.priority >= priority {
            pending.removeLast()
            if case .not = last {
                guard let child = operands.popLast() else { throw scanner.syntaxError() }
                operands.append(.not(child))
                continue
            }
            guard operands.count >= 2 else { throw scanner.syntaxError() }
            let right = operands.removeLast()
            let left = operands.removeLast()
            switch last {
            case .and: operands.append(.and(left, right))
            case .or: operands.append(.or(left, right))
            case .phrase(let distance): operands.append(.phrase(left, right, distance: distance))
            case .not: break
            }
        }
    }

    private mutating func nextToken() throws(PGError) -> Token {
        while true {
            let c = scanner.current
            switch state {
            case .firstOperand, .operand:
                if c == "!" {
                    scanner.advance()
                    state = .operand
                    return .operation(.not)
                } else if c == "(" {
                    scanner.advance()
                    state = .operand
                    depth += 1
                    guard depth <= PGTSQuery.maxDepth else { throw PGTSQuery.tooDeep() }
                    return .open
                } else if c == ":" {
                    throw scanner.syntaxError()
                } else if let c, try scanner.isSpace(c) {
                    scanner.advance()
                } else {
                    guard let lexeme = try scanner.nextLexeme() else {
                        if state == .firstOperand { return .end }
                        throw PGError(.invalidParameter, "no operand in tsquery: \"\(source)\"")
                    }
                    let (weights, prefix) = readModifiers()
                    state = .operatorExpected
                    return .value(.lexeme(lexeme.text, weights: weights, prefix: prefix))
                }
            case .operatorExpected:
                guard let c else {
                    guard depth == 0 else { throw scanner.syntaxError() }
                    return .end
                }
                if c == "&" {
                    scanner.advance()
                    state = .operand
                    return .operation(.and)
                } else if c == "|" {
                    scanner.advance()
                    state = .operand
                    return .operation(.or)
                } else if c == "<", let distance = try readPhraseOperator() {
                    state = .operand
                    return .operation(.phrase(distance))
                } else if c == ")" {
                    scanner.advance()
                    depth -= 1
                    guard depth >= 0 else { throw scanner.syntaxError() }
                    return .close
                } else if try scanner.isSpace(c) {
                    scanner.advance()
                } else {
                    throw scanner.syntaxError()
                }
            }
        }
    }

    /// `:` followed by weights and `*`, in any order; stops at anything else.
    private mutating func readModifiers() -> (UInt8, Bool) {
        guard scanner.current == ":" else { return (0, false) }
        scanner.advance()
        var weights: UInt8 = 0
        var prefix = false
        while let c = scanner.current {
            switch c {
            case "a", "A": weights |= 8
            case "b", "B": weights |= 4
            case "c", "C": weights |= 2
            case "d", "D": weights |= 1
            case "*": prefix = true
            default: return (weights, prefix)
            }
            scanner.advance()
        }
        return (weights, prefix)
    }

    /// `<->` (distance 1) or `<N>`; nil, consuming nothing, for anything else.
    private mutating func readPhraseOperator() throws(PGError) -> Int? {
        var probe = scanner
        probe.advance()
        var distance = 1
        if probe.current == "-" {
            probe.advance()
        } else {
            guard let first = probe.current, first.value >= 0x30, first.value <= 0x39 else { return nil }
            distance = 0
            while let digit = probe.current, digit.value >= 0x30, digit.value <= 0x39 {
                distance = min(distance * 10 + Int(digit.value - 0x30), 100_000)
                probe.advance()
            }
            guard distance <= 16_384 else {
                throw PGError(.invalidParameter, "distance in phrase operator must be an integer value between zero and 16384 inclusive")
            }
        }
        guard probe.current == ">" else { return nil }
        probe.advance()
        guard probe.current != nil else { return nil }  // the server needs a character after '>'
        scanner = probe
        return distance
    }
}
