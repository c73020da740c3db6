extension Float: PGCodable {
    public static var pgDataType: PGDataType { .float4 }
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeFloat(self) }
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        switch type {
        case PGDataType.float4.oid: self = try buffer.readFloat()
        case PGDataType.float8.oid:
            let wide = try buffer.readDouble()
            guard wide.isNaN || wide.isInfinite || abs(wide) <= Double(Float.greatestFiniteMagnitude) else {
                throw PGError(.decodingFailed, "value \(wide) is out of range for Float")
            }
            self = Float(wide)
        default: throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as Float")
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
            self = Double(try decodePGInteger(&buffer, type: type, context: context, as: Int64.self))
            return
        case PGDataType.numeric.oid:
            let decimal = try PGNumeric.decode(&buffer)
            self = NSDecimalNumber(decimal: decimal).doubleValue
            return
        default: throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as Double")
        }
        try buffer.expectEnd(context.typeName(type))
    }
}

import Foundation
