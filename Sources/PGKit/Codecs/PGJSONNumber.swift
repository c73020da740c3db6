/// A JSON number kept exactly as written (`12345678901234567890`, `1e400`, `0.10`), since a
/// `Double` would change most of them. Two numbers are equal when their values are, as jsonb
/// compares them (`1.0 == 1`).
///
/// ```swift
/// let price: PGJSONValue = ["amount": 12345678901234567890, "rate": 0.25]
/// if case .number(let amount)? = price["amount"] { print(amount.text, amount.doubleValue) }
/// ```
public struct PGJSONNumber: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// The number's JSON text.
    public let text: String

    /// Accepts a JSON number literal (`-0.5e10`); nil for anything else (`NaN`, `.5`, `1.`).
    public init?(json text: String) {
        guard Self.isValid(text) else { return nil }
        self.text = text
    }

    public init<T: BinaryInteger>(_ value: T) { text = String(value) }

    /// The shortest text that reads back as `value`. NaN and infinities have no JSON form:
    /// such a number is refused with `.invalidParameter` when it is sent.
    public init(_ value: Double) {
        guard value.isFinite else {
            text = value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
            return
        }
        text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description.replacingOccurrences(of: "e+", with: "e")
    }

    /// Whether the text is a JSON number (false only for a NaN or infinite `Double`).
    public var isValidJSON: Bool { Self.isValid(text) }

    /// The numeric exactly (not NaN or infinity, which JSON cannot hold).
    public init?(_ value: PGNumeric) {
        guard value.isFinite else { return nil }
        text = value.description
    }

    /// Integer literals of any size stay exact: `12345678901234567890` is not an `Int64`.
    public init(integerLiteral value: StaticBigInt) { text = Self.decimalText(of: value) }

    /// The decimal digits of an integer literal of any size.
    static func decimalText(of value: StaticBigInt) -> String {
        let negative = value.signum() < 0
        // Two's complement words, least significant first; take the magnitude.
        let wordCount = (value.bitWidth + UInt.bitWidth - 1) / UInt.bitWidth
        var words = (0..<wordCount).map { value[$0] }
        if negative {
            var carry = true
            for index in words.indices {
                words[index] = ~words[index]
                if carry { (words[index], carry) = words[index].addingReportingOverflow(1) }
            }
        }
        var digits: [UInt8] = []
        while words.contains(where: { $0 != 0 }) {
            var remainder: UInt = 0
            for index in words.indices.reversed() {
                let (quotient, rest) = UInt(10).dividingFullWidth((remainder, words[index]))
                words[index] = quotient
                remainder = rest
            }
            digits.append(UInt8(remainder) + 0x30)
        }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(decoding: digits.reversed(), as: UTF8.self)
    }
    public init(floatLiteral value: Double) { self.init(value) }

    /// The nearest `Double` (correctly rounded; ±infinity beyond its range).
    public var doubleValue: Double { Double(text) ?? .nan }

    /// The value exactly.
    public var numericValue: PGNumeric { (try? PGNumeric(parsing: text)) ?? .nan }

    /// The value as `Int64`, when it is a whole number in range.
    public var int64Value: Int64? { try? Int64(exactly: numericValue) }

    public var description: String { text }

    public static func == (lhs: PGJSONNumber, rhs: PGJSONNumber) -> Bool {
        lhs.text == rhs.text || lhs.numericValue == rhs.numericValue
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(numericValue) }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isValid(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 { bytes.removeFirst(); count += 1 }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes.removeFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
