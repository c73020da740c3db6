/// Floating-point columns. A value is read exactly, or rounded to the nearest value of the
/// Swift type when that is the standard conversion (`float8` into `Float`, `numeric` into
/// `Double`); a value the type cannot hold at all is a `.decodingFailed` error, never a
/// different number: beyond its range (it would become infinity), so small it would become
/// zero, or an `int8` that `Double` cannot hold exactly (above 2^53, such as 9007199254740993).
extension Float: PGCodable {
    public static var pgDataType: PGDataType { .float4 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeFloat(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.float4.oid: self = try buffer.readFloat()
        case PGDataType.float8.oid:
            let wide = try buffer.readDouble()
            self = try narrowing(wide, to: Float.self)
        default: throw context.mismatch(type, Float.self)
        }
        try buffer.expectEnd(context.typeName(type))
    }
}

extension Double: PGCodable {
    public static var pgDataType: PGDataType { .float8 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeDouble(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.float8.oid: self = try buffer.readDouble()
        case PGDataType.float4.oid: self = Double(try buffer.readFloat())
        case PGDataType.int2.oid, PGDataType.int4.oid, PGDataType.int8.oid:
            let integer = try decodePGInteger(&buffer, type: type, context: context, as: Int64.self)
            guard let exact = Double(exactly: integer) else {
                throw PGError(.decodingFailed, "int8 value \(integer) cannot be represented exactly as Double; read it as Int64")
            }
            self = exact
            return
        case PGDataType.numeric.oid:
            let numeric = try PGNumeric.read(&buffer)
            let nearest = Double(numeric)
            if numeric.isFinite, nearest.isInfinite {
                throw PGError(.decodingFailed, "numeric value is beyond Double's range; read it as PGNumeric")
            }
            if numeric.isFinite, !numeric.isZero, nearest == 0 {
                throw PGError(.decodingFailed, "numeric value is too small for Double (it would read as 0); read it as PGNumeric")
            }
            self = nearest
            return
        default: throw context.mismatch(type, Double.self)
        }
        try buffer.expectEnd(context.typeName(type))
    }
}

/// `value` rounded to the nearest `T`, unless it is out of `T`'s range or would become zero.
private func narrowing(_ value: Double, to type: Float.Type) throws(PGError) -> Float {
    guard value.isFinite else { return Float(value) }
    let narrow = Float(value)
    if narrow.isInfinite { throw PGError(.decodingFailed, "value \(value) is out of range for Float") }
    if narrow == 0, value != 0 { throw PGError(.decodingFailed, "value \(value) is too small for Float (it would read as 0)") }
    return narrow
}
