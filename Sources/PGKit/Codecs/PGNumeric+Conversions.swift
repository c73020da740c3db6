import Foundation

/// Conversions between `PGNumeric` and Swift's number types: exact, or a typed error.
extension PGNumeric {
    /// The integer exactly.
    public init<T: BinaryInteger>(_ value: T) {
        try! self.init(parsing: String(value))  // an integer's digits always parse
    }

    /// The decimal exactly (NaN included).
    public init(_ value: Decimal) {
        if value.isNaN { self = .nan; return }
        // Decimal's description lists every digit, never an exponent.
        self = (try? PGNumeric(parsing: value.description)) ?? .nan
    }

    /// The double's shortest decimal form that reads back as the same double (`0.1` gives
    /// `0.1`, not `0.1000000000000000055...`); NaN and infinities map to theirs.
    public init(_ value: Double) {
        if value.isNaN { self = .nan; return }
        if value.isInfinite { self = value < 0 ? .negativeInfinity : .infinity; return }
        self = (try? PGNumeric(parsing: value.description)) ?? .nan
    }
}

extension Double {
    /// The double nearest to `numeric` (correctly rounded); NaN and infinities map to theirs,
    /// values beyond Double's range to ±infinity.
    public init(_ numeric: PGNumeric) {
        switch numeric.kind {
        case .nan: self = .nan
        case .positiveInfinity: self = .infinity
        case .negativeInfinity: self = -.infinity
        case .finite:
            // Swift's parser rounds correctly, whatever the number of digits.
            self = Double(numeric.normalizedDescription) ?? .nan
        }
    }
}

extension Decimal {
    /// `numeric` exactly; throws `.decodingFailed` when it has more significant digits or a
    /// larger exponent than `Decimal` holds (38 digits), or is infinite.
    public init(exactly numeric: PGNumeric) throws(PGError) {
        switch numeric.kind {
        case .nan:
            self = .nan
            return
        case .positiveInfinity, .negativeInfinity:
            throw PGError(.decodingFailed, "numeric \(numeric) cannot be represented as Decimal; read it as PGNumeric")
        case .finite: break
        }
        let text = numeric.normalizedDescription
        let significant = text.filter(\.isNumber).drop(while: { $0 == "0" })
        guard significant.count <= 38, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
              PGNumeric(value) == numeric else {
            throw PGError(.decodingFailed, "numeric \(text.count > 60 ? String(text.prefix(57)) + "..." : text) has more digits than Decimal holds (38); read it as PGNumeric")
        }
        self = value
    }
}

extension FixedWidthInteger {
    /// `numeric` exactly; throws `.decodingFailed` when it has a fraction or is out of range.
    public init(exactly numeric: PGNumeric) throws(PGError) {
        guard numeric.isInteger || numeric.isZero else {
            throw PGError(.decodingFailed, "numeric \(numeric) is not an integer value of \(Self.self)")
        }
        guard let value = Self(numeric.normalizedDescription) else {
            throw PGError(.decodingFailed, "numeric \(numeric) is out of range for \(Self.self)")
        }
        self = value
    }
}
