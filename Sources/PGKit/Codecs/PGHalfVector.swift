/// A pgvector `halfvec(n)` value: up to 16,000 finite half-precision (`Float16`) floats,
/// half the storage of a `vector`.
///
/// ```swift
/// let embedding = try PGHalfVector(floats, dimensions: 384)   // rounded to Float16; throws on NaN, ±inf, overflow
/// try await conn.query("SELECT id FROM memories ORDER BY embedding_half <=> \(embedding) LIMIT 5")
/// ```
///
/// Floats are rounded to the nearest `Float16` as pgvector rounds them (`0.1` is stored as
/// `0.099975586`); values beyond the half-precision range (magnitude 65520 and up, which
/// would round to infinity) are refused, as pgvector refuses them.
public struct PGHalfVector: Hashable, Sendable, CustomStringConvertible {
    /// pgvector's limit on dimensions for `halfvec`.
    public static let maxDimensions = 16_000

    /// The components.
    public let values: [Float16]

    /// Validates `values`: 1 to 16,000 elements, all finite, and exactly `dimensions` of them
    /// when given.
    public init(_ values: [Float16], dimensions: Int? = nil) throws(PGError) {
        try Self.validate(count: values.count, dimensions: dimensions)
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw PGError(.invalidParameter, "halfvec element \(index) is \(values[index]); NaN and infinity are not allowed")
        }
        self.values = values
    }

    /// Rounds `values` to half precision; throws for NaN, infinities, and values too large
    /// for `Float16`, and validates the dimensions as the other initializer does.
    public init(_ values: [Float], dimensions: Int? = nil) throws(PGError) {
        try Self.validate(count: values.count, dimensions: dimensions)
        var halves: [Float16] = []
        halves.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard value.isFinite else {
                throw PGError(.invalidParameter, "halfvec element \(index) is \(value); NaN and infinity are not allowed")
            }
            let half = Float16(value)
            guard half.isFinite else {
                throw PGError(.invalidParameter, "halfvec element \(index) is \(value), out of range for half precision (largest 65504)")
            }
            halves.append(half)
        }
        self.values = halves
    }

    private init(decoded values: [Float16]) { self.values = values }

    private static func validate(count: Int, dimensions: Int?) throws(PGError) {
        if let dimensions, count != dimensions {
            throw PGError(.invalidParameter, "halfvec has \(count) dimensions, expected \(dimensions)")
        }
        guard count >= 1 else { throw PGError(.invalidParameter, "halfvec must have at least 1 dimension") }
        guard count <= maxDimensions else {
            throw PGError(.invalidParameter, "halfvec has \(count) dimensions, more than pgvector's \(maxDimensions)")
        }
    }

    /// The number of dimensions.
    public var dimensions: Int { values.count }

    /// The components widened to `Float`, exactly.
    public var floats: [Float] { values.map(Float.init) }

    /// pgvector's text form, each element printed as the shortest `Float` that reads back
    /// the same: `[1,0.099975586,65504]`.
    public var description: String {
        "[" + values.map { PGFloatText.float4(Float($0)) }.joined(separator: ",") + "]"
    }
}

extension PGHalfVector: PGCodable {
    public static var pgDataType: PGDataType { .halfvec }

    /// `halfvec_send`'s format: dimensions (int16), an unused int16, then the halves.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(Int16(values.count))
        buffer.writeInteger(Int16(0))
        for value in values { buffer.writeInteger(value.bitPattern) }
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if context.types.oid(named: PGDataType.halfvec.name) != nil {
            try context.expect(type, is: .halfvec, for: PGHalfVector.self)
        } else if PGDataType.builtinNames[type] != nil {
            throw context.mismatch(type, PGHalfVector.self)
        }
        let count = Int(try buffer.readInteger(as: Int16.self))
        let unused = try buffer.readInteger(as: Int16.self)
        guard count >= 1, unused == 0, buffer.readableBytes == count * 2 else {
            throw PGError(.decodingFailed, "malformed halfvec: \(count) dimensions in \(buffer.readableBytes) bytes")
        }
        var values: [Float16] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(Float16(bitPattern: try buffer.readInteger(as: UInt16.self))) }
        self.init(decoded: values)
    }
}
