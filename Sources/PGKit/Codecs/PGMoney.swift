/// A `money` value: a signed 64-bit count of the currency's minor units (cents), which is how
/// PostgreSQL stores it, so every value is exact.
///
/// ```swift
/// let price = PGMoney(cents: 12_34)          // 12.34
/// try await conn.execute("UPDATE plans SET price = \(price) WHERE id = \(id)")
/// ```
///
/// PostgreSQL's own text form of `money` depends on the session's `lc_monetary` (`$1,234.56`
/// under `C` or `en_US`, other symbols, separators and even fraction digits elsewhere), so
/// `description` is the locale-free decimal with two fraction digits that
/// `money::numeric::text` gives under a two-digit locale: `1234.56`, `-0.05`. Under a locale
/// with other fraction digits (`ja_JP`: none) the stored integer is the same but means yen,
/// not cents.
public struct PGMoney: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in minor units: `1234` is 12.34.
    public var cents: Int64

    /// The amount in minor units.
    public init(cents: Int64) { self.cents = cents }

    public static func < (lhs: PGMoney, rhs: PGMoney) -> Bool { lhs.cents < rhs.cents }

    /// The decimal amount with two fraction digits: `12.34`, `-0.05`, `0.00`.
    public var description: String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + String(magnitude / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }
}

extension PGMoney: PGCodable {
    public static var pgDataType: PGDataType { .money }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(cents) }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .money, for: PGMoney.self)
        guard buffer.readableBytes == 8 else {
            throw PGError(.decodingFailed, "malformed money value: \(buffer.readableBytes) bytes, expected 8")
        }
        cents = try buffer.readInteger(as: Int64.self)
    }
}
