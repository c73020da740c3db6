/// A `point` value: two double-precision coordinates, `(x,y)`.
///
/// ```swift
/// let here = PGPoint(x: 13.4050, y: 52.5200)
/// let near = try await conn.query("SELECT name FROM places ORDER BY location <-> \(here) LIMIT 5")
/// ```
///
/// Any `Double` is kept exactly, NaN and infinities included (PostgreSQL stores them too).
public struct PGPoint: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    /// A point from its coordinates.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// PostgreSQL's output form, coordinates formatted like `float8`: `(1.5,2)`, `(1e+100,-0)`,
    /// `(Infinity,NaN)`.
    public var description: String { "(" + PGFloatText.float8(x) + "," + PGFloatText.float8(y) + ")" }
}

extension PGPoint: PGCodable {
    public static var pgDataType: PGDataType { .point }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeDouble(x)
        buffer.writeDouble(y)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .point, for: PGPoint.self)
        guard buffer.readableBytes == 16 else {
            throw PGError(.decodingFailed, "malformed point value: \(buffer.readableBytes) bytes, expected 16")
        }
        x = try buffer.readDouble()
        y = try buffer.readDouble()
    }
}
