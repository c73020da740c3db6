extension Array: PGEncodable where Element: PGEncodable {
    /// A one-dimensional array of the element type (`[Int64]` is `int8[]`); `nil` elements of
    /// `[T?]` are NULL elements.
    public static var pgDataType: PGDataType { Element.pgDataType.arrayType }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        let elementType = Element.pgDataType
        guard let elementOID = elementType.isExtension ? buffer.types.oid(named: elementType.name) : elementType.oid else {
            throw PGError(.invalidParameter, "type \(elementType.name) is not installed in this database")
        }
        guard count <= Int32.max else { throw PGError(.invalidParameter, "array has too many elements") }
        if isEmpty {
            buffer.writeInteger(Int32(0))  // dimensions
            buffer.writeInteger(Int32(0))  // has nulls
            buffer.writeInteger(elementOID)
            return
        }
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(contains { $0.isPGNull } ? 1 : 0))
        buffer.writeInteger(elementOID)
        buffer.writeInteger(Int32(count))
        buffer.writeInteger(Int32(1))  // lower bound
        for element in self {
            try buffer.writeLengthPrefixed(element)
        }
    }
}

extension Array: PGDecodable where Element: PGDecodable {
    /// Reads a one-dimensional array (or an empty one); multi-dimensional arrays are an error.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        let dimensions = try buffer.readInteger(as: Int32.self)
        _ = try buffer.readInteger(as: Int32.self)  // has-nulls flag; each element says for itself
        let elementOID = try buffer.readInteger(as: UInt32.self)
        if dimensions == 0 {
            try buffer.expectEnd("array")
            self = []
            return
        }
        guard dimensions == 1 else {
            throw PGError(.decodingFailed, "cannot read a \(dimensions)-dimensional array as \(Self.self)")
        }
        let count = try buffer.readInteger(as: Int32.self)
        _ = try buffer.readInteger(as: Int32.self)  // lower bound
        guard count >= 0, Int(count) <= buffer.readableBytes / 4 else {
            throw PGError(.decodingFailed, "array length \(count) does not match its data")
        }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            let length = try buffer.readInteger(as: Int32.self)
            if length < 0 {
                elements.append(try Element(pgNull: elementOID))
            } else {
                var elementBuffer = PGReadBuffer(try buffer.readSlice(Int(length)))
                elements.append(try Element(pgBytes: &elementBuffer, type: elementOID, context: context))
            }
        }
        try buffer.expectEnd("array")
        self = elements
    }
}
