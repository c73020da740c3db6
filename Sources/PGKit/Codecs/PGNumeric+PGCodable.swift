/// PostgreSQL's binary `numeric`: the number of base-10,000 digit groups, the weight of the
/// first, a sign (or NaN, ±Infinity), the display scale, then the groups.
extension PGNumeric: PGCodable {
    public static var pgDataType: PGDataType { .numeric }

    private static let positiveSign: UInt16 = 0x0000
    private static let negativeSign: UInt16 = 0x4000
    private static let nanSign: UInt16 = 0xC000
    private static let positiveInfinitySign: UInt16 = 0xD000
    private static let negativeInfinitySign: UInt16 = 0xF000

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        let sign: UInt16
        switch kind {
        case .nan: sign = Self.nanSign
        case .positiveInfinity: sign = Self.positiveInfinitySign
        case .negativeInfinity: sign = Self.negativeInfinitySign
        case .finite: sign = isNegative ? Self.negativeSign : Self.positiveSign
        }
        let finite = kind == .finite
        buffer.writeInteger(Int16(finite ? groups.count : 0))
        buffer.writeInteger(Int16(finite ? weight : 0))
        buffer.writeInteger(sign)
        buffer.writeInteger(Int16(finite ? scale : 0))
        if finite { for group in groups { buffer.writeInteger(group) } }
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.numeric.oid:
            self = try Self.read(&buffer)
        case PGDataType.int2.oid, PGDataType.int4.oid, PGDataType.int8.oid:
            self = PGNumeric(try decodePGInteger(&buffer, type: type, context: context, as: Int64.self))
        default:
            throw context.mismatch(type, PGNumeric.self)
        }
    }

    /// Reads the binary form, checking every field.
    static func read(_ buffer: inout PGReadBuffer) throws(PGError) -> PGNumeric {
        let count = Int(try buffer.readInteger(as: Int16.self))
        let weight = Int(try buffer.readInteger(as: Int16.self))
        let sign = try buffer.readInteger(as: UInt16.self)
        let scale = Int(try buffer.readInteger(as: Int16.self))
        guard count >= 0, scale >= 0, buffer.readableBytes == count * 2 else {
            throw PGError(.decodingFailed, "malformed numeric value")
        }
        switch sign {
        case nanSign: return .nan
        case positiveInfinitySign: return .infinity
        case negativeInfinitySign: return .negativeInfinity
        case positiveSign, negativeSign: break
        default: throw PGError(.decodingFailed, "malformed numeric sign \(sign)")
        }
        var groups: [Int16] = []
        groups.reserveCapacity(count)
        for _ in 0..<count {
            let group = try buffer.readInteger(as: Int16.self)
            guard (0..<10_000).contains(group) else { throw PGError(.decodingFailed, "malformed numeric digit \(group)") }
            groups.append(group)
        }
        return PGNumeric(kind: .finite, groups: groups, weight: weight, isNegative: sign == negativeSign, scale: scale)
    }
}
