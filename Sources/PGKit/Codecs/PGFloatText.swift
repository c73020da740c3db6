/// PostgreSQL's text form of floating-point values (`float8out` and `float4out` with the
/// default `extra_float_digits = 1`): the shortest digits that read back as the same value,
/// fixed notation for decimal exponents from -4 up to 14 (`float8`) or 5 (`float4`) and
/// scientific notation with at least two exponent digits otherwise (`1e+15`, `1.5e-05`),
/// no trailing `.0`, and `NaN`, `Infinity`, `-Infinity`, `-0` spelled as PostgreSQL does.
/// pgvector prints `vector`, `halfvec` and `sparsevec` elements the same way as `float4`.
enum PGFloatText {
    /// `float8out`'s text for `value`.
    static func float8(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        return format(value.description, fixedUpTo: 15)
    }

    /// `float4out`'s text for `value`.
    static func float4(_ value: Float) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        return format(value.description, fixedUpTo: 6)
    }

    /// Re-spells Swift's shortest round-trip text (`1.0`, `1e-05`, `1.5e+16`), whose digits are
    /// the same shortest digits PostgreSQL's Ryu output picks, in PostgreSQL's notation.
    private static func format(_ swift: String, fixedUpTo limit: Int) -> String {
        var negative = false
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        var bytes = Array(swift.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if byte == UInt8(ascii: "e") {
                exponent = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(byte)
            }
            index += 1
        }
        // value = 0.d1d2d3... × 10^(point + exponent) before trimming
        var decimalPoint = (pointPosition ?? digits.count) + exponent
        while digits.first == UInt8(ascii: "0") && digits.count > 1 {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.last == UInt8(ascii: "0") && digits.count > 1 { digits.removeLast() }
        let scientificExponent = decimalPoint - 1
        var text = negative ? "-" : ""
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
