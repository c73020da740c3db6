import Foundation

extension Decimal: PGCodable {
    /// Sent as `numeric`, exactly (no detour through floating point).
    public static var pgDataType: PGDataType { .numeric }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { try PGNumeric.encode(self, into: &buffer) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.numeric.oid: self = try PGNumeric.decode(&buffer)
        case PGDataType.int2.oid, PGDataType.int4.oid, PGDataType.int8.oid:
            self = Decimal(try decodePGInteger(&buffer, type: type, context: context, as: Int64.self))
        default: throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as Decimal")
        }
    }
}

/// PostgreSQL's binary `numeric`: base-10000 digit groups with a weight, a sign and a scale.
enum PGNumeric {
    private static let positive: UInt16 = 0x0000
    private static let negative: UInt16 = 0x4000
    private static let nan: UInt16 = 0xC000
    private static let posInfinity: UInt16 = 0xD000
    private static let negInfinity: UInt16 = 0xF000

    static func encode(_ value: Decimal, into buffer: inout PGWriteBuffer) throws(PGError) {
        if value.isNaN {
            for field in [Int16(0), 0] { buffer.writeInteger(field) }
            buffer.writeInteger(nan)
            buffer.writeInteger(Int16(0))
            return
        }
        var text = NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX"))
        let isNegative = text.hasPrefix("-")
        if isNegative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var integerDigits = Array(parts[0].utf8).map { Int($0) - 48 }
        var fractionDigits = parts.count > 1 ? Array(parts[1].utf8).map { Int($0) - 48 } : []
        guard (integerDigits + fractionDigits).allSatisfy({ (0...9).contains($0) }) else {
            throw PGError(.invalidParameter, "cannot encode decimal \(value) as numeric")
        }
        let scale = fractionDigits.count
        while integerDigits.count % 4 != 0 { integerDigits.insert(0, at: 0) }
        while fractionDigits.count % 4 != 0 { fractionDigits.append(0) }
        var groups: [Int16] = []
        for digits in [integerDigits, fractionDigits] {
            for start in stride(from: 0, to: digits.count, by: 4) {
                groups.append(Int16(digits[start] * 1000 + digits[start + 1] * 100 + digits[start + 2] * 10 + digits[start + 3]))
            }
        }
        var weight = integerDigits.count / 4 - 1
        while let first = groups.first, first == 0 { groups.removeFirst(); weight -= 1 }
        while let last = groups.last, last == 0 { groups.removeLast() }
        if groups.isEmpty { weight = 0 }
        buffer.writeInteger(Int16(groups.count))
        buffer.writeInteger(Int16(weight))
        buffer.writeInteger(isNegative && !groups.isEmpty ? negative : positive)
        buffer.writeInteger(Int16(scale))
        for group in groups { buffer.writeInteger(group) }
    }

    static func decode(_ buffer: inout PGReadBuffer) throws(PGError) -> Decimal {
        let count = Int(try buffer.readInteger(as: Int16.self))
        let weight = Int(try buffer.readInteger(as: Int16.self))
        let sign = try buffer.readInteger(as: UInt16.self)
        let scale = Int(try buffer.readInteger(as: Int16.self))
        guard count >= 0, scale >= 0, buffer.readableBytes == count * 2 else {
            throw PGError(.decodingFailed, "malformed numeric value")
        }
        switch sign {
        case nan: return .nan
        case posInfinity, negInfinity:
            throw PGError(.decodingFailed, "numeric infinity cannot be represented as Decimal")
        case positive, negative: break
        default: throw PGError(.decodingFailed, "malformed numeric sign \(sign)")
        }
        var groups: [Int] = []
        for _ in 0..<count {
            let group = Int(try buffer.readInteger(as: Int16.self))
            guard (0..<10_000).contains(group) else { throw PGError(.decodingFailed, "malformed numeric digit") }
            groups.append(group)
        }
        guard weight < 40, weight > -40 - count else {
            throw PGError(.decodingFailed, "numeric value is out of Decimal's range")
        }
        var integerPart = ""
        var fractionPart = ""
        if weight < 0 {
            integerPart = "0"
        } else {
            for power in stride(from: weight, through: 0, by: -1) {
                let index = weight - power
                let group = index < groups.count ? groups[index] : 0
                integerPart += integerPart.isEmpty ? String(group) : pad4(group)
            }
        }
        var power = -1
        while fractionPart.count < scale {
            let index = weight - power
            let group = index >= 0 && index < groups.count ? groups[index] : 0
            fractionPart += pad4(group)
            power -= 1
        }
        var text = sign == negative ? "-" : ""
        text += integerPart
        if scale > 0 { text += "." + fractionPart.prefix(scale) }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PGError(.decodingFailed, "numeric value \(text) cannot be represented as Decimal")
        }
        return value
    }

    private static func pad4(_ group: Int) -> String {
        let digits = String(group)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
