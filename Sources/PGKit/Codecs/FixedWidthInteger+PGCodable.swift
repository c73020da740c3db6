/// Reads any PostgreSQL integer column (int2, int4, int8, oid and its `reg*` aliases such as
/// regclass) into any Swift integer type, failing with a typed error instead of truncating when
/// the value does not fit; a `numeric` that is a whole number (what `sum(bigint)` returns) reads
/// too, exactly or not at all.
func decodePGInteger<T: FixedWidthInteger>(
    _ buffer: inout PGReadBuffer, type: UInt32, context: PGDecodingContext, as: T.Type
) throws(PGError) -> T {
    let wide: Int64
    switch type {
    case PGDataType.int2.oid: wide = Int64(try buffer.readInteger(as: Int16.self))
    case PGDataType.int4.oid: wide = Int64(try buffer.readInteger(as: Int32.self))
    case PGDataType.int8.oid: wide = try buffer.readInteger(as: Int64.self)
    case PGDataType.numeric.oid:
        return try T(exactly: try PGNumeric.read(&buffer))
    case _ where PGDataType.objectIdentifierOIDs.contains(type): wide = Int64(try buffer.readInteger(as: UInt32.self))
    default:
        throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as \(T.self)")
    }
    try buffer.expectEnd(context.typeName(type))
    guard let value = T(exactly: wide) else {
        throw PGError(.decodingFailed, "value \(wide) is out of range for \(T.self)")
    }
    return value
}

extension Int16: PGCodable {
    public static var pgDataType: PGDataType { .int2 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try decodePGInteger(&buffer, type: type, context: context, as: Int16.self)
    }
}

extension Int32: PGCodable {
    public static var pgDataType: PGDataType { .int4 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if type == PGDataType.int4.oid, buffer.readableBytes == 4 {
            self = try buffer.readInteger(as: Int32.self)
            return
        }
        self = try decodePGInteger(&buffer, type: type, context: context, as: Int32.self)
    }
}

extension Int64: PGCodable {
    public static var pgDataType: PGDataType { .int8 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if type == PGDataType.int8.oid, buffer.readableBytes == 8 {
            self = try buffer.readInteger(as: Int64.self)
            return
        }
        self = try decodePGInteger(&buffer, type: type, context: context, as: Int64.self)
    }
}

extension Int: PGCodable {
    public static var pgDataType: PGDataType { .int8 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(Int64(self)) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try decodePGInteger(&buffer, type: type, context: context, as: Int.self)
    }
}

extension UInt32: PGCodable {
    /// Sent as `int8`, since PostgreSQL has no unsigned integers; read from any integer column.
    public static var pgDataType: PGDataType { .int8 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(Int64(self)) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try decodePGInteger(&buffer, type: type, context: context, as: UInt32.self)
    }
}

extension UInt64: PGCodable {
    /// Sent as `int8`; values above `Int64.max` are rejected before anything is sent.
    public static var pgDataType: PGDataType { .int8 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        guard let value = Int64(exactly: self) else {
            throw PGError(.invalidParameter, "UInt64 value \(self) is out of range for int8")
        }
        buffer.writeInteger(value)
    }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        self = try decodePGInteger(&buffer, type: type, context: context, as: UInt64.self)
    }
}
