/// A PostgreSQL array exactly as stored: any number of dimensions, each with its length and
/// lower bound (`'[0:2]={1,2,3}'` has one dimension of 3 starting at 0), and the elements in
/// row-major order. Swift's `[T]` and `[[T]]` cover arrays whose bounds start at 1; this type
/// reads and writes every other array without losing its bounds.
///
/// ```swift
/// let shifted = try PGArray(elements: [Int32(1), 2, 3], dimensions: [.init(count: 3, lowerBound: 0)])
/// try await conn.query("SELECT \(shifted)::int4[]::text")   // [0:2]={1,2,3}
/// ```
public struct PGArray<Element> {
    /// One dimension: how many elements it has and the index of its first one.
    public struct Dimension: Hashable, Sendable {
        public var count: Int
        public var lowerBound: Int
        public init(count: Int, lowerBound: Int = 1) {
            self.count = count
            self.lowerBound = lowerBound
        }
    }

    /// The elements, the last dimension varying fastest.
    public var elements: [Element]
    /// Empty for an empty array.
    public var dimensions: [Dimension]

    /// Checks that the dimensions describe exactly `elements.count` elements (at most 6
    /// dimensions, none empty, bounds within PostgreSQL's integer range).
    public init(elements: [Element], dimensions: [Dimension]) throws(PGError) {
        let total = dimensions.reduce(1) { $0 * $1.count }
        guard dimensions.count <= 6, dimensions.allSatisfy({ $0.count > 0 }), dimensions.isEmpty ? elements.isEmpty : total == elements.count,
              dimensions.allSatisfy({ Int32(exactly: $0.lowerBound) != nil && Int32(exactly: $0.lowerBound + $0.count - 1) != nil }) else {
            throw PGError(.invalidParameter, "array dimensions \(dimensions.map { "\($0.lowerBound):\($0.lowerBound + $0.count - 1)" }) do not fit \(elements.count) elements")
        }
        self.elements = elements
        self.dimensions = dimensions
    }

    /// A one-dimensional array starting at index 1.
    public init(_ elements: [Element]) {
        self.elements = elements
        dimensions = elements.isEmpty ? [] : [Dimension(count: elements.count)]
    }
}

extension PGArray: Sendable where Element: Sendable {}
extension PGArray: Equatable where Element: Equatable {}
extension PGArray: Hashable where Element: Hashable {}

extension PGArray: PGEncodable where Element: PGEncodable {
    public static var pgDataType: PGDataType { Element.pgDataType.arrayType }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        let type = Element.pgDataType
        guard let elementOID = type.isExtension ? buffer.types.oid(named: type.name) : type.oid else {
            throw PGError(.invalidParameter, "type \(type.name) is not installed in this database")
        }
        let header = PGArrayHeader(dimensions: dimensions.map { ($0.count, $0.lowerBound) }, elementOID: elementOID)
        try header.write(into: &buffer) { buffer throws(PGError) -> Bool in
            var hasNull = false
            for element in elements {
                if element.isPGNull { hasNull = true }
                try buffer.writeLengthPrefixed(element)
            }
            return hasNull
        }
    }
}

extension PGArray: PGDecodable where Element: PGDecodable {
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        let header = try PGArrayHeader.read(&buffer, type: type, context: context, as: Self.self)
        let total = header.dimensions.isEmpty ? 0 : header.dimensions.reduce(1) { $0 * $1.count }
        var reader = PGArrayElementReader(buffer: buffer, elementOID: header.elementOID)
        var elements: [Element] = []
        elements.reserveCapacity(total)
        for _ in 0..<total { elements.append(try reader.next(Element.self, context: context)) }
        try reader.expectEnd()
        buffer = reader.buffer
        self.elements = elements
        dimensions = header.dimensions.map { Dimension(count: $0.count, lowerBound: $0.lowerBound) }
    }
}
