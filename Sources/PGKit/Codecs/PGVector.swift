/// A pgvector `vector(n)` value: a fixed number of finite single-precision floats.
///
/// Construction validates, so an invalid vector never reaches the server:
/// ```swift
/// let embedding = try PGVector(floats, dimensions: 384)   // throws on NaN, ±inf, wrong count
/// try await conn.query("SELECT id FROM memories ORDER BY embedding <=> \(embedding) LIMIT 5")
/// ```
public struct PGVector: Hashable, Sendable, CustomStringConvertible {
    /// pgvector's limit on dimensions for `vector`.
    public static let maxDimensions = 16_000

    /// The components.
    public let values: [Float]

    /// Validates `values`: at least one and at most 16,000 elements, all finite, and exactly
    /// `dimensions` of them when given.
    public init(_ values: [Float], dimensions: Int? = nil) throws(PGError) {
        try Self.validate(values, dimensions: dimensions)
        self.values = values
    }

    /// The number of dimensions.
    public var dimensions: Int { values.count }

    /// The Euclidean norm.
    public var magnitude: Float {
        var sum: Float = 0
        for value in values { sum += value * value }
        return sum.squareRoot()
    }

    /// Checks `values` without building a vector; the error names the first problem.
    public static func validate(_ values: [Float], dimensions: Int? = nil) throws(PGError) {
        if let dimensions, values.count != dimensions {
            throw PGError(.invalidParameter, "vector has \(values.count) dimensions, expected \(dimensions)")
        }
        guard !values.isEmpty else { throw PGError(.invalidParameter, "vector must have at least 1 dimension") }
        guard values.count <= maxDimensions else {
            throw PGError(.invalidParameter, "vector has \(values.count) dimensions, more than pgvector's \(maxDimensions)")
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw PGError(.invalidParameter, "vector element \(index) is \(values[index]); NaN and infinity are not allowed")
        }
    }

    /// pgvector's text form, such as `[1,2.5,-3,1e+06]`: each element as PostgreSQL prints a
    /// `float4`.
    public var description: String {
        "[" + values.map { PGFloatText.float4($0) }.joined(separator: ",") + "]"
    }
}

extension PGVector: PGCodable {
    public static var pgDataType: PGDataType { .vector }

    /// `values` were validated when the vector was made and cannot change since.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(Int16(values.count))
        buffer.writeInteger(Int16(0))
        buffer.writeFloats(values)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if context.types.oid(named: "vector") != nil {
            try context.expect(type, is: .vector, for: PGVector.self)
        } else if PGDataType.builtinNames[type] != nil {
            throw PGError(.decodingFailed, "cannot read a \(context.typeName(type)) column as PGVector")
        }
        let count = Int(try buffer.readInteger(as: Int16.self))
        _ = try buffer.readInteger(as: Int16.self)
        guard count >= 1, buffer.readableBytes == count * 4 else {
            throw PGError(.decodingFailed, "malformed vector: \(count) dimensions in \(buffer.readableBytes) bytes")
        }
        self.values = try buffer.readFloats(count)
    }
}
