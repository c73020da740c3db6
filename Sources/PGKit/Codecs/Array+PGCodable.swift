/// Swift arrays are PostgreSQL arrays: `[T]` is one dimension (`int8[]`), `[[T]]` two, and so
/// on; `[T?]` holds NULL elements. Arrays must be rectangular, every lower bound is 1 (read
/// arrays with other bounds as `PGArray`), and the column must be an array of the element's
/// type: reading a `bytea` or a 2-dimensional array as `[Int32]` is a typed error, never a value.
extension Array: PGEncodable where Element: PGEncodable {
    public static var pgDataType: PGDataType {
        if let nested = Element.self as? any PGNestedArrayEncoding.Type { return nested.pgDataType }
        return Element.pgDataType.arrayType
    }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        var shape: [Int] = []
        try pgCollectShape(&shape)
        let innermost = Self.pgInnermostType
        guard let elementOID = innermost.isExtension ? buffer.types.oid(named: innermost.name) : innermost.oid else {
            throw PGError(.invalidParameter, "type \(innermost.name) is not installed in this database")
        }
        try PGArrayHeader(shape: shape, elementOID: elementOID).write(into: &buffer) { buffer throws(PGError) -> Bool in
            try pgWriteElements(into: &buffer)
        }
    }
}

/// What a Swift array needs to be the element of another one (`[[T]]`): its shape and values,
/// flattened in row-major order.
protocol PGNestedArrayEncoding: PGEncodable {
    static var pgInnermostType: PGDataType { get }
    func pgCollectShape(_ shape: inout [Int]) throws(PGError)
    /// Writes every innermost element (length-prefixed); returns whether one was NULL.
    func pgWriteElements(into buffer: inout PGWriteBuffer) throws(PGError) -> Bool
}

extension Array: PGNestedArrayEncoding where Element: PGEncodable {
    static var pgInnermostType: PGDataType {
        (Element.self as? any PGNestedArrayEncoding.Type)?.pgInnermostType ?? Element.pgDataType
    }

    func pgCollectShape(_ shape: inout [Int]) throws(PGError) {
        guard count <= Int32.max else { throw PGError(.invalidParameter, "array has too many elements") }
        shape.append(count)
        guard let first, let firstNested = first as? any PGNestedArrayEncoding else { return }
        var firstShape: [Int] = []
        try firstNested.pgCollectShape(&firstShape)
        for element in dropFirst() {
            var elementShape: [Int] = []
            try (element as! any PGNestedArrayEncoding).pgCollectShape(&elementShape)
            guard elementShape == firstShape else {
                throw PGError(.invalidParameter, "a multi-dimensional array must be rectangular: sub-arrays of \(firstShape) and \(elementShape) elements")
            }
        }
        shape.append(contentsOf: firstShape)
    }

    func pgWriteElements(into buffer: inout PGWriteBuffer) throws(PGError) -> Bool {
        var hasNull = false
        for element in self {
            if let nested = element as? any PGNestedArrayEncoding {
                if try nested.pgWriteElements(into: &buffer) { hasNull = true }
            } else {
                if element.isPGNull { hasNull = true }
                try buffer.writeLengthPrefixed(element)
            }
        }
        return hasNull
    }
}

extension Array: PGDecodable where Element: PGDecodable {
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        let header = try PGArrayHeader.read(&buffer, type: type, context: context, as: Self.self)
        if header.dimensions.isEmpty {
            try buffer.expectEnd("array")
            self = []
            return
        }
        if let bound = header.dimensions.first(where: { $0.lowerBound != 1 }) {
            throw PGError(.decodingFailed, "the array's lower bound is \(bound.lowerBound), not 1; read it as PGArray<...> to keep its bounds")
        }
        guard header.dimensions.count == Self.pgNesting else {
            throw PGError(.decodingFailed, "cannot read a \(header.dimensions.count)-dimensional array as \(Self.self)")
        }
        var reader = PGArrayElementReader(buffer: buffer, elementOID: header.elementOID)
        self = try Self.pgRead(&reader, shape: header.dimensions.map(\.count)[...], context: context)
        try reader.expectEnd()
        buffer = reader.buffer
    }
}

/// The decoding side of `[[T]]`.
protocol PGNestedArrayDecoding: PGDecodable {
    static var pgNesting: Int { get }
    static func pgRead(_ reader: inout PGArrayElementReader, shape: ArraySlice<Int>, context: borrowing PGDecodingContext) throws(PGError) -> Self
}

extension Array: PGNestedArrayDecoding where Element: PGDecodable {
    static var pgNesting: Int { ((Element.self as? any PGNestedArrayDecoding.Type)?.pgNesting ?? 0) + 1 }

    static func pgRead(_ reader: inout PGArrayElementReader, shape: ArraySlice<Int>, context: borrowing PGDecodingContext) throws(PGError) -> Self {
        let count = shape.first!
        var elements: [Element] = []
        elements.reserveCapacity(count)
        if let nested = Element.self as? any PGNestedArrayDecoding.Type {
            for _ in 0..<count {
                elements.append(try Self.readNested(nested, &reader, shape: shape.dropFirst(), context: context))
            }
        } else {
            for _ in 0..<count { elements.append(try reader.next(Element.self, context: context)) }
        }
        return elements
    }

    private static func readNested<Nested: PGNestedArrayDecoding>(
        _ type: Nested.Type, _ reader: inout PGArrayElementReader, shape: ArraySlice<Int>, context: borrowing PGDecodingContext
    ) throws(PGError) -> Element {
        try Nested.pgRead(&reader, shape: shape, context: context) as! Element
    }
}

/// The header of PostgreSQL's binary array format: dimensions with their lower bounds, the
/// NULL flag and the element type.
struct PGArrayHeader {
    var dimensions: [(count: Int, lowerBound: Int)]
    var elementOID: UInt32

    init(dimensions: [(count: Int, lowerBound: Int)], elementOID: UInt32) {
        self.dimensions = dimensions
        self.elementOID = elementOID
    }

    /// A header for `shape` with lower bounds of 1 (an empty array when any count is 0).
    init(shape: [Int], elementOID: UInt32) throws(PGError) {
        if shape.first == 0 {
            dimensions = []
        } else if shape.contains(0) {
            // PostgreSQL would store it as an empty array, which reads back as [] and not as it was.
            throw PGError(.invalidParameter, "a multi-dimensional array cannot have an empty sub-array (PostgreSQL keeps only empty arrays)")
        } else {
            dimensions = shape.map { ($0, 1) }
        }
        self.elementOID = elementOID
    }

    /// Writes the header, then the elements `writeElements` appends (returning whether one
    /// was NULL), and patches the NULL flag.
    func write(into buffer: inout PGWriteBuffer, elements writeElements: (inout PGWriteBuffer) throws(PGError) -> Bool) throws(PGError) {
        guard dimensions.count <= 6 else { throw PGError(.invalidParameter, "PostgreSQL arrays have at most 6 dimensions") }
        var total = 1
        for dimension in dimensions {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension.count)
            guard !overflow, product <= 134_217_727 else { throw PGError(.invalidParameter, "array has too many elements") }
            total = product
        }
        buffer.writeInteger(Int32(dimensions.count))
        let flagOffset = buffer.count
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(elementOID)
        for dimension in dimensions {
            buffer.writeInteger(Int32(dimension.count))
            buffer.writeInteger(Int32(dimension.lowerBound))
        }
        guard !dimensions.isEmpty else { return }
        if try writeElements(&buffer) { buffer.patchInteger(Int32(1), at: flagOffset) }
    }

    /// Reads the header of an array column, checking that `type` is an array type and that
    /// its elements are what the data says.
    static func read<T>(_ buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext, as swiftType: T.Type) throws(PGError) -> PGArrayHeader {
        guard let expectedElement = context.arrayElementOID(of: type) else { throw context.mismatch(type, swiftType) }
        let count = Int(try buffer.readInteger(as: Int32.self))
        _ = try buffer.readInteger(as: Int32.self)  // has-nulls flag; each element says for itself
        let elementOID = try buffer.readInteger(as: UInt32.self)
        guard elementOID == expectedElement else {
            throw PGError(.decodingFailed, "malformed array: a \(context.typeName(type)) value holds elements of \(context.typeName(elementOID))")
        }
        guard (0...6).contains(count), buffer.readableBytes >= count * 8 else {
            throw PGError(.decodingFailed, "malformed array: \(count) dimensions")
        }
        var dimensions: [(count: Int, lowerBound: Int)] = []
        var total = 1
        for _ in 0..<count {
            let length = Int(try buffer.readInteger(as: Int32.self))
            let lowerBound = Int(try buffer.readInteger(as: Int32.self))
            total = total.multipliedReportingOverflow(by: max(length, 0)).partialValue
            guard length > 0, total <= buffer.readableBytes / 4 else {
                throw PGError(.decodingFailed, "malformed array: dimension of \(length) elements does not match its data")
            }
            dimensions.append((length, lowerBound))
        }
        return PGArrayHeader(dimensions: dimensions, elementOID: elementOID)
    }
}

/// Reads the length-prefixed elements that follow an array's header, one at a time.
struct PGArrayElementReader {
    var buffer: PGReadBuffer
    let elementOID: UInt32

    mutating func next<Element: PGDecodable>(_ type: Element.Type, context: borrowing PGDecodingContext) throws(PGError) -> Element {
        let length = try buffer.readInteger(as: Int32.self)
        if length < 0 { return try Element(pgNull: elementOID) }
        var elementBuffer = PGReadBuffer(try buffer.readSlice(Int(length)))
        let element = try Element(pgBytes: &elementBuffer, type: elementOID, context: context)
        try elementBuffer.expectEnd(context.typeName(elementOID))
        return element
    }

    func expectEnd() throws(PGError) { try buffer.expectEnd("array") }
}

extension PGDecodingContext {
    /// The element type of the array type `oid`, or nil when `oid` is not an array type.
    func arrayElementOID(of oid: UInt32) -> UInt32? {
        if let element = PGDataType.elementOIDs[oid] { return element }
        if let name = types.name(of: oid), name.hasPrefix("_") { return types.oid(named: String(name.dropFirst())) }
        return nil
    }
}
