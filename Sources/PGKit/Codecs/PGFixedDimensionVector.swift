/// A pgvector value whose dimension is part of its type, as a `vector(384)` column's is.
/// `dbctl generate` emits one such type per dimension used in the schema (`Vector384`), so a
/// wrong-sized embedding cannot even be constructed:
/// ```swift
/// let embedding = try Vector384(floats)   // throws unless floats.count == 384, all finite
/// ```
public protocol PGFixedDimensionVector: PGCodable, Hashable, Codable, CustomStringConvertible {
    /// The number of dimensions every value has.
    static var dimensions: Int { get }
    /// The components, already validated.
    var vector: PGVector { get }
    /// Wraps a vector already checked to have `dimensions` finite components.
    init(validated vector: PGVector)
}

extension PGFixedDimensionVector {
    /// Validates `values`: exactly `dimensions` finite floats.
    public init(_ values: [Float]) throws(PGError) {
        self.init(validated: try PGVector(values, dimensions: Self.dimensions))
    }

    /// Checks that `vector` has `dimensions` components.
    public init(_ vector: PGVector) throws(PGError) {
        try PGVector.validate(vector.values, dimensions: Self.dimensions)
        self.init(validated: vector)
    }

    public var values: [Float] { vector.values }
    public var description: String { vector.description }

    public static var pgDataType: PGDataType { .vector }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        try PGVector.validate(vector.values, dimensions: Self.dimensions)
        try vector.encode(into: &buffer)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        let vector = try PGVector(pgBytes: &buffer, type: type, context: context)
        guard vector.dimensions == Self.dimensions else {
            throw PGError(.decodingFailed, "vector has \(vector.dimensions) dimensions, expected \(Self.dimensions)")
        }
        self.init(validated: vector)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try [Float](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try vector.values.encode(to: encoder)
    }
}

extension PGVector: Codable {
    /// Decodes from a JSON array of numbers, validating like `init(_:dimensions:)`.
    public init(from decoder: any Decoder) throws {
        try self.init(try [Float](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try values.encode(to: encoder)
    }
}
