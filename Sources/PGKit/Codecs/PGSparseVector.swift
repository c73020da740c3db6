/// A pgvector `sparsevec(n)` value: a number of dimensions and its non-zero elements, as
/// 0-based indices (sorted, distinct) and finite values.
///
/// ```swift
/// let terms = try PGSparseVector(dimensions: 30_000, elements: [17: 0.5, 2_048: 1.25])
/// try await conn.query("SELECT id FROM docs ORDER BY terms <#> \(terms) LIMIT 10")
/// ```
///
/// pgvector's limits apply: 1 to 1,000,000,000 dimensions and at most 16,000 non-zero
/// elements. The text form numbers elements from 1: `{18:0.5,2049:1.25}/30000`.
public struct PGSparseVector: Hashable, Sendable, CustomStringConvertible {
    /// pgvector's limit on dimensions for `sparsevec`.
    public static let maxDimensions = 1_000_000_000
    /// pgvector's limit on non-zero elements.
    public static let maxNonZeroElements = 16_000

    /// The number of dimensions.
    public let dimensions: Int
    /// The 0-based indices of the non-zero elements, ascending.
    public let indices: [Int32]
    /// The non-zero elements, one per index.
    public let values: [Float]

    /// Checks everything pgvector checks: indices within the dimensions, ascending and
    /// distinct, one value per index, every value finite and non-zero (pgvector's binary input
    /// refuses zeros).
    public init(dimensions: Int, indices: [Int], values: [Float]) throws(PGError) {
        guard (1...Self.maxDimensions).contains(dimensions) else {
            throw PGError(.invalidParameter, "sparsevec must have 1 to \(Self.maxDimensions) dimensions, not \(dimensions)")
        }
        guard indices.count == values.count else {
            throw PGError(.invalidParameter, "sparsevec has \(indices.count) indices but \(values.count) values")
        }
        guard indices.count <= Self.maxNonZeroElements else {
            throw PGError(.invalidParameter, "sparsevec has \(indices.count) non-zero elements, more than pgvector's \(Self.maxNonZeroElements)")
        }
        for (position, index) in indices.enumerated() {
            guard (0..<dimensions).contains(index) else {
                throw PGError(.invalidParameter, "sparsevec index \(index) is out of bounds for \(dimensions) dimensions")
            }
            if position > 0, index <= indices[position - 1] {
                throw PGError(.invalidParameter, index == indices[position - 1]
                    ? "sparsevec indices must not contain duplicates (\(index))"
                    : "sparsevec indices must be in ascending order (\(index) after \(indices[position - 1]))")
            }
            let value = values[position]
            guard value.isFinite else {
                throw PGError(.invalidParameter, "sparsevec element \(index) is \(value); NaN and infinity are not allowed")
            }
            guard value != 0 else {
                throw PGError(.invalidParameter, "sparsevec element \(index) is zero; leave zero elements out")
            }
        }
        self.dimensions = dimensions
        self.indices = indices.map { Int32($0) }
        self.values = values
    }

    /// The non-zero elements of `elements` (index to value, 0-based); zeros are left out, as
    /// pgvector's text input leaves them out.
    public init(dimensions: Int, elements: [Int: Float]) throws(PGError) {
        let nonZero = elements.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        try self.init(dimensions: dimensions, indices: nonZero.map(\.key), values: nonZero.map(\.value))
    }

    /// The non-zero elements of a dense vector, which gives the dimensions.
    public init(_ dense: [Float]) throws(PGError) {
        var indices: [Int] = []
        var values: [Float] = []
        for (index, value) in dense.enumerated() where value != 0 {
            indices.append(index)
            values.append(value)
        }
        try self.init(dimensions: dense.count, indices: indices, values: values)
    }

    private init(decoded dimensions: Int, indices: [Int32], values: [Float]) {
        self.dimensions = dimensions
        self.indices = indices
        self.values = values
    }

    /// All the elements, zeros included.
    public var dense: [Float] {
        var dense = [Float](repeating: 0, count: dimensions)
        for (index, value) in zip(indices, values) { dense[Int(index)] = value }
        return dense
    }

    /// pgvector's text form, 1-based: `{1:1.5,3:2}/5`, `{}/5`.
    public var description: String {
        "{" + zip(indices, values).map { String($0 + 1) + ":" + PGFloatText.float4($1) }.joined(separator: ",") + "}/" + String(dimensions)
    }
}

extension PGSparseVector: PGCodable {
    public static var pgDataType: PGDataType { .sparsevec }

    /// `sparsevec_send`'s format: dimensions, number of non-zero elements, an unused int32,
    /// the 0-based indices, then the values.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(Int32(dimensions))
        buffer.writeInteger(Int32(indices.count))
        buffer.writeInteger(Int32(0))
        for index in indices { buffer.writeInteger(index) }
        buffer.writeFloats(values)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if context.types.oid(named: PGDataType.sparsevec.name) != nil {
            try context.expect(type, is: .sparsevec, for: PGSparseVector.self)
        } else if PGDataType.builtinNames[type] != nil {
            throw context.mismatch(type, PGSparseVector.self)
        }
        let dimensions = Int(try buffer.readInteger(as: Int32.self))
        let count = Int(try buffer.readInteger(as: Int32.self))
        let unused = try buffer.readInteger(as: Int32.self)
        guard dimensions >= 1, count >= 0, count <= dimensions, unused == 0, buffer.readableBytes == count * 8 else {
            throw PGError(.decodingFailed, "malformed sparsevec: \(dimensions) dimensions, \(count) elements in \(buffer.readableBytes) bytes")
        }
        var indices: [Int32] = []
        indices.reserveCapacity(count)
        for position in 0..<count {
            let index = try buffer.readInteger(as: Int32.self)
            guard index >= 0, Int(index) < dimensions, position == 0 || index > indices[position - 1] else {
                throw PGError(.decodingFailed, "malformed sparsevec: index \(index) at position \(position)")
            }
            indices.append(index)
        }
        self.init(decoded: dimensions, indices: indices, values: try buffer.readFloats(count))
    }
}
