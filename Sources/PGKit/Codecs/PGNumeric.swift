import Foundation

/// A PostgreSQL `numeric`, exactly: any precision PostgreSQL accepts (131,072 digits before the
/// point, 16,383 after), NaN and ±Infinity, and the display scale (`1.50` stays `1.50`).
///
/// ```swift
/// let total = try PGNumeric("12345678901234567890123456789012345678901234567890.25")
/// try await conn.execute("INSERT INTO ledger (amount) VALUES (\(total))")
/// let read = try await conn.query("SELECT amount FROM ledger").scalar(PGNumeric.self)!
/// print(read)                              // 12345678901234567890123456789012345678901234567890.25
/// let nearest = Double(read)               // 1.2345678901234568e+49
/// let decimal = try Decimal(exactly: read) // throws: 52 digits do not fit Decimal's 38
/// ```
/// Conversions never lose a digit silently: `Decimal(exactly:)`, `Int64(exactly:)` and
/// friends throw when the value does not fit; `Double(_:)` gives the nearest double (correctly
/// rounded). Equality and ordering are PostgreSQL's: `1.5 == 1.50`, and NaN equals itself and
/// sorts above every other value, +Infinity included.
public struct PGNumeric: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible,
    ExpressibleByIntegerLiteral {
    /// What the value is.
    public enum Kind: Sendable, Hashable {
        case finite
        case nan
        case positiveInfinity
        case negativeInfinity
    }

    /// PostgreSQL's limits: digits before and after the decimal point.
    public static let maximumIntegerDigits = 131_072
    public static let maximumFractionDigits = 16_383

    public let kind: Kind
    /// Base-10,000 digit groups, most significant first, without leading or trailing zero groups.
    let groups: [Int16]
    /// The power of 10,000 of the first group.
    let weight: Int
    let isNegative: Bool
    /// Digits shown after the decimal point.
    public let scale: Int

    init(kind: Kind, groups: [Int16], weight: Int, isNegative: Bool, scale: Int) {
        self.kind = kind
        var groups = groups[...]
        var weight = weight
        while groups.first == 0 { groups.removeFirst(); weight -= 1 }
        while groups.last == 0 { groups.removeLast() }
        self.groups = Array(groups)
        self.weight = groups.isEmpty ? 0 : weight
        self.isNegative = isNegative && !groups.isEmpty
        self.scale = scale
    }

    public static let nan = PGNumeric(kind: .nan, groups: [], weight: 0, isNegative: false, scale: 0)
    public static let infinity = PGNumeric(kind: .positiveInfinity, groups: [], weight: 0, isNegative: false, scale: 0)
    public static let negativeInfinity = PGNumeric(kind: .negativeInfinity, groups: [], weight: 0, isNegative: true, scale: 0)
    public static let zero = PGNumeric(kind: .finite, groups: [], weight: 0, isNegative: false, scale: 0)

    public var isNaN: Bool { kind == .nan }
    public var isFinite: Bool { kind == .finite }
    public var isZero: Bool { kind == .finite && groups.isEmpty }
    /// Whether the value is a whole number (NaN and infinities are not).
    public var isInteger: Bool { kind == .finite && groups.count <= weight + 1 }

    // MARK: Parsing and text

    /// Parses PostgreSQL's numeric input syntax: `-12.50`, `1.5e-3`, `.5`, `NaN`, `Infinity`,
    /// `-inf`, leading and trailing white space. Throws `.invalidParameter` otherwise, or when
    /// the value is beyond PostgreSQL's limits.
    public init(parsing text: some StringProtocol) throws(PGError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "nan": self = .nan; return
        case "infinity", "+infinity", "inf", "+inf": self = .infinity; return
        case "-infinity", "-inf": self = .negativeInfinity; return
        default: break
        }
        var bytes = Array(trimmed.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var digits: [UInt8] = []
        var pointPosition: Int?
        var sawDigit = false
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes.removeFirst()
            if byte == UInt8(ascii: ".") {
                guard pointPosition == nil else { throw Self.syntaxError(text) }
                pointPosition = digits.count
            } else if byte >= 0x30, byte <= 0x39 {
                digits.append(byte - 0x30)
                sawDigit = true
            } else if byte == UInt8(ascii: "_"), sawDigit, let next = bytes.first, next >= 0x30, next <= 0x39 {
                continue  // PostgreSQL 16 accepts 1_000; harmless to accept here too
            } else {
                throw Self.syntaxError(text)
            }
        }
        guard sawDigit else { throw Self.syntaxError(text) }
        var exponent = 0
        if !bytes.isEmpty {
            bytes.removeFirst()  // e
            var exponentNegative = false
            if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
                exponentNegative = first == UInt8(ascii: "-")
                bytes.removeFirst()
            }
            guard !bytes.isEmpty, bytes.count <= 9, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw Self.syntaxError(text) }
            exponent = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if exponentNegative { exponent = -exponent }
        }
        let fractionDigits = digits.count - (pointPosition ?? digits.count)
        // The decimal digits, and where the point falls among them: value = digits × 10^(exponent - fractionDigits).
        try self.init(decimalDigits: digits, exponent: exponent - fractionDigits, negative: negative, scale: max(0, fractionDigits - exponent))
    }

    /// Builds the value digits × 10^exponent, shown with `scale` digits after the point.
    init(decimalDigits: [UInt8], exponent: Int, negative: Bool, scale: Int) throws(PGError) {
        var digits = decimalDigits[...]
        while digits.first == 0 { digits.removeFirst() }
        var exponent = exponent
        while digits.last == 0 { digits.removeLast(); exponent += 1 }
        guard !digits.isEmpty else {
            guard scale <= Self.maximumFractionDigits else { throw Self.outOfRange("scale \(scale)") }
            self.init(kind: .finite, groups: [], weight: 0, isNegative: false, scale: scale)
            return
        }
        let integerDigits = digits.count + exponent
        guard integerDigits <= Self.maximumIntegerDigits else { throw Self.outOfRange("\(integerDigits) digits before the decimal point") }
        guard scale <= Self.maximumFractionDigits, -exponent <= Self.maximumFractionDigits else {
            throw Self.outOfRange("\(max(scale, -exponent)) digits after the decimal point")
        }
        // Align to groups of 4 around the decimal point: the lowest digit's position is `exponent`.
        let lowPosition = exponent
        let lowGroupStart = Self.floorDivide(lowPosition, 4) * 4  // position of the lowest group's lowest digit
        let padding = lowPosition - lowGroupStart
        var padded = Array(digits) + [UInt8](repeating: 0, count: padding)
        let highPosition = lowGroupStart + padded.count - 1
        let leading = Self.floorDivide(highPosition, 4) * 4 + 3 - highPosition
        padded.insert(contentsOf: [UInt8](repeating: 0, count: leading), at: 0)
        var groups: [Int16] = []
        groups.reserveCapacity(padded.count / 4)
        var index = 0
        while index < padded.count {
            groups.append(Int16(padded[index]) * 1000 + Int16(padded[index + 1]) * 100 + Int16(padded[index + 2]) * 10 + Int16(padded[index + 3]))
            index += 4
        }
        let weight = Self.floorDivide(highPosition, 4)
        self.init(kind: .finite, groups: groups, weight: weight, isNegative: negative, scale: scale)
    }

    /// Parses like `init(parsing:)`; nil when the text is not a number.
    public init?(_ description: String) {
        guard let value = try? PGNumeric(parsing: description) else { return nil }
        self = value
    }

    /// Integer literals of any size are exact.
    public init(integerLiteral value: StaticBigInt) {
        self = (try? PGNumeric(parsing: PGJSONNumber.decimalText(of: value))) ?? .nan
    }

    /// PostgreSQL's text form: `-12.50`, `0.001`, `NaN`, `Infinity`, `-Infinity`.
    public var description: String {
        switch kind {
        case .nan: return "NaN"
        case .positiveInfinity: return "Infinity"
        case .negativeInfinity: return "-Infinity"
        case .finite: break
        }
        var text = isNegative ? "-" : ""
        if weight < 0 || groups.isEmpty {
            text += "0"
        } else {
            for position in 0...weight {
                let group = position < groups.count ? Int(groups[position]) : 0
                text += position == 0 ? String(group) : Self.pad(group)
            }
        }
        if scale > 0 {
            var fraction = ""
            fraction.reserveCapacity(scale + 4)
            var groupPosition = weight + 1  // index into groups of the first fraction group
            while fraction.count < scale {
                let group = groupPosition >= 0 && groupPosition < groups.count ? Int(groups[groupPosition]) : 0
                fraction += Self.pad(group)
                groupPosition += 1
            }
            text += "." + fraction.prefix(scale)
        }
        return text
    }

    /// The digits as PostgreSQL would show them without trailing zeros (`1.50` gives `1.5`).
    var normalizedDescription: String {
        guard kind == .finite else { return description }
        return PGNumeric(kind: .finite, groups: groups, weight: weight, isNegative: isNegative, scale: minimalScale).description
    }

    /// The fewest digits after the point that show the value exactly.
    var minimalScale: Int {
        guard kind == .finite, groups.count > weight + 1 else { return 0 }
        let fractionGroups = groups.count - (weight + 1)
        var digits = fractionGroups * 4
        var last = Int(groups[groups.count - 1])
        while last % 10 == 0 { last /= 10; digits -= 1 }
        return digits
    }

    // MARK: Comparing

    public static func == (lhs: PGNumeric, rhs: PGNumeric) -> Bool {
        lhs.kind == rhs.kind && lhs.isNegative == rhs.isNegative && lhs.weight == rhs.weight && lhs.groups == rhs.groups
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(isNegative)
        hasher.combine(weight)
        hasher.combine(groups)
    }

    public static func < (lhs: PGNumeric, rhs: PGNumeric) -> Bool {
        lhs.order(rhs) < 0
    }

    /// PostgreSQL's order: -Infinity < finite < +Infinity < NaN.
    private func order(_ other: PGNumeric) -> Int {
        func rank(_ value: PGNumeric) -> Int {
            switch value.kind {
            case .negativeInfinity: return 0
            case .finite: return 1
            case .positiveInfinity: return 2
            case .nan: return 3
            }
        }
        if rank(self) != rank(other) { return rank(self) < rank(other) ? -1 : 1 }
        guard kind == .finite else { return 0 }
        if isNegative != other.isNegative { return isNegative ? -1 : 1 }
        let magnitude = compareMagnitude(other)
        return isNegative ? -magnitude : magnitude
    }

    private func compareMagnitude(_ other: PGNumeric) -> Int {
        if groups.isEmpty || other.groups.isEmpty { return groups.isEmpty ? (other.groups.isEmpty ? 0 : -1) : 1 }
        if weight != other.weight { return weight < other.weight ? -1 : 1 }
        for index in 0..<max(groups.count, other.groups.count) {
            let left = index < groups.count ? groups[index] : 0
            let right = index < other.groups.count ? other.groups[index] : 0
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }

    // MARK: Helpers

    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    static func pad(_ group: Int) -> String {
        let digits = String(group)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    static func syntaxError(_ text: some StringProtocol) -> PGError {
        PGError(.invalidParameter, "\"\(text.prefix(60))\" is not a numeric value")
    }

    static func outOfRange(_ what: String) -> PGError {
        PGError(.invalidParameter, "numeric value with \(what) is beyond PostgreSQL's limits (131072 digits before the point, 16383 after)")
    }
}
