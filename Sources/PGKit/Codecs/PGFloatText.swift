import Foundation

/// PostgreSQL's text form of floating-point values (`float8out` and `float4out` with the
/// default `extra_float_digits = 1`): the shortest digits that read back as the same value,
/// fixed notation for decimal exponents from -4 up to 14 (`float8`) or 5 (`float4`) and
/// scientific notation with at least two exponent digits otherwise (`1e+15`, `1.5e-05`),
/// no trailing `.0`, and `NaN`, `Infinity`, `-Infinity`, `-0` spelled as PostgreSQL does.
/// pgvector prints `vector`, `halfvec` and `sparsevec` elements the same way as `float4`.
///
/// PostgreSQL's Ryu is built without `STRICTLY_SHORTEST`: a decimal exactly halfway between
/// two floats never counts as reading back, even where round-half-even would take it to the
/// right one. Swift's own shortest digits do take it (`Float(118685296)` is `1.186853e+08` in
/// Swift, `1.18685296e+08` in PostgreSQL), so such values are worked out again here.
enum PGFloatText {
    /// `float8out`'s text for `value`.
    static func float8(_ value: Double) -> String {
        if let special = special(value) { return special }
        return render(value, fixedUpTo: 15, maxDigits: 17)
    }

    /// `float4out`'s text for `value`.
    static func float4(_ value: Float) -> String {
        if let special = special(value) { return special }
        return render(value, fixedUpTo: 6, maxDigits: 9)
    }

    private static func special<F: BinaryFloatingPoint>(_ value: F) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        return nil
    }

    /// A decimal `significand × 10^exponent` with no trailing zeros in `significand`.
    struct DecimalDigits {
        var significand: UInt64
        var exponent: Int

        /// Parses the digits of a shortest-form or `%e` text (`1.5e-05`, `100.0`, `-2.5`).
        init(parsing text: String) {
            var significand: UInt64 = 0
            var fractionDigits = 0
            var exponent = 0
            var inFraction = false
            var bytes = Substring(text).utf8[...]
            if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            while let byte = bytes.first {
                bytes = bytes.dropFirst()
                if byte == UInt8(ascii: ".") {
                    inFraction = true
                } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    exponent = Int(String(decoding: bytes, as: UTF8.self)) ?? 0
                    break
                } else {
                    significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                    if inFraction { fractionDigits += 1 }
                }
            }
            self.significand = significand
            self.exponent = exponent - fractionDigits
            normalize()
        }

        init(significand: UInt64, exponent: Int) {
            self.significand = significand
            self.exponent = exponent
            normalize()
        }

        private mutating func normalize() {
            while significand != 0 && significand % 10 == 0 {
                significand /= 10
                exponent += 1
            }
        }

        var digitCount: Int { String(significand).count }

        /// The text `d.ddde±x` that Swift and C parse.
        var scientificText: String {
            let digits = String(significand)
            let first = digits.prefix(1)
            let rest = digits.dropFirst()
            return first + (rest.isEmpty ? "" : "." + rest) + "e" + String(exponent + digits.count - 1)
        }

        /// Whether this decimal is exactly `odd × 2^power` (`odd` odd).
        func equals(odd: UInt64, timesTwoToThe power: Int) -> Bool {
            guard significand != 0 else { return false }
            let twos = significand.trailingZeroBitCount
            let oddPart = significand >> UInt64(twos)
            guard twos + exponent == power else { return false }
            var fives: UInt64 = 1
            for _ in 0..<abs(exponent) {
                let (product, overflow) = fives.multipliedReportingOverflow(by: 5)
                if overflow { return false }
                fives = product
            }
            if exponent >= 0 {
                let (product, overflow) = oddPart.multipliedReportingOverflow(by: fives)
                return !overflow && product == odd
            }
            let (product, overflow) = odd.multipliedReportingOverflow(by: fives)
            return !overflow && product == oddPart
        }
    }

    /// Whether `decimal` is exactly halfway between `magnitude` (positive, finite) and one of
    /// its neighbours.
    static func isMidpoint<F: BinaryFloatingPoint>(_ decimal: DecimalDigits, of magnitude: F) -> Bool {
        let mantissaBits = F.significandBitCount
        let bits = UInt64(magnitude.significandBitPattern)
        let biased = Int(magnitude.exponentBitPattern)
        let bias = (1 << (F.exponentBitCount - 1)) - 1
        let significand = biased == 0 ? bits : bits | (UInt64(1) << UInt64(mantissaBits))
        let power = (biased == 0 ? 1 : biased) - bias - mantissaBits
        if decimal.equals(odd: 2 * significand + 1, timesTwoToThe: power - 1) { return true }
        if bits == 0 && biased > 1 {
            return decimal.equals(odd: 4 * significand - 1, timesTwoToThe: power - 2)
        }
        return decimal.equals(odd: 2 * significand - 1, timesTwoToThe: power - 1)
    }

    /// PostgreSQL's shortest digits for `magnitude` (positive, finite): Swift's, unless they
    /// are a midpoint; then the shortest decimal strictly between the midpoints, the closest
    /// to the value among equally short ones.
    static func shortest<F: BinaryFloatingPoint & LosslessStringConvertible & CVarArg>(_ magnitude: F, maxDigits: Int) -> DecimalDigits {
        let swift = DecimalDigits(parsing: magnitude.description)
        guard isMidpoint(swift, of: magnitude) else { return swift }
        func readsBack(_ candidate: DecimalDigits) -> Bool {
            candidate.significand != 0 && F(candidate.scientificText) == magnitude && !isMidpoint(candidate, of: magnitude)
        }
        for precision in swift.digitCount...maxDigits {
            let rounded = DecimalDigits(parsing: String(format: "%.\(precision - 1)e", Double(magnitude)))
            if readsBack(rounded) { return rounded }
            // On the narrow side of a power of two the nearest decimal may fall outside; the
            // next one on the other side may not.
            let scale = rounded.exponent + rounded.digitCount - precision
            var unit: UInt64 = 1
            for _ in 0..<(rounded.exponent - scale) { unit *= 10 }
            let significand = rounded.significand * unit
            for neighbour in [significand + 1, significand - 1] where readsBack(DecimalDigits(significand: neighbour, exponent: scale)) {
                return DecimalDigits(significand: neighbour, exponent: scale)
            }
        }
        return swift
    }

    private static func render<F: BinaryFloatingPoint & LosslessStringConvertible & CVarArg>(_ value: F, fixedUpTo limit: Int, maxDigits: Int) -> String {
        let decimal = shortest(value.magnitude, maxDigits: maxDigits)
        let digits = Array(String(decimal.significand).utf8)
        // value = 0.d1d2d3... × 10^decimalPoint
        let decimalPoint = digits.count + decimal.exponent
        let scientificExponent = decimalPoint - 1
        var text = value < 0 ? "-" : ""
        if scientificExponent >= -4 && scientificExponent < limit {
            if decimalPoint <= 0 {
                text += "0." + String(repeating: "0", count: -decimalPoint) + String(decoding: digits, as: UTF8.self)
            } else if decimalPoint >= digits.count {
                text += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: decimalPoint - digits.count)
            } else {
                text += String(decoding: digits[..<decimalPoint], as: UTF8.self) + "." + String(decoding: digits[decimalPoint...], as: UTF8.self)
            }
        } else {
            text += String(UnicodeScalar(digits[0]))
            if digits.count > 1 { text += "." + String(decoding: digits[1...], as: UTF8.self) }
            let magnitude = abs(scientificExponent)
            text += (scientificExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        return text
    }
}
