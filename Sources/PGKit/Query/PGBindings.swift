/// A query's parameters encoded for libpq: one contiguous buffer plus per-parameter offsets,
/// lengths (-1 for NULL) and type OIDs. Always binary format.
struct PGBindings {
    private(set) var buffer: PGWriteBuffer
    private(set) var oids: [UInt32] = []
    private(set) var offsets: [Int] = []
    private(set) var lengths: [Int32] = []

    /// Thrown when a parameter's extension type has not been looked up on this connection yet.
    struct UnknownExtensionType: Error { var name: String }

    init(_ parameters: [any PGEncodable], types: PGTypeRegistry) throws(PGError) {
        buffer = PGWriteBuffer(capacity: 16 * parameters.count + 1, types: types)
        oids.reserveCapacity(parameters.count)
        offsets.reserveCapacity(parameters.count)
        lengths.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            do {
                try append(parameter)
            } catch {
                var enriched = error
                enriched.message = "parameter $\(index + 1): \(error.message)"
                throw enriched
            }
        }
        buffer.writeInteger(UInt8(0))  // keeps the base address valid when every value is empty
    }

    /// The names of extension types the parameters use that `types` does not know.
    static func unknownExtensionTypes(in parameters: [any PGEncodable], types: PGTypeRegistry) -> [String] {
        parameters.compactMap { parameter in
            let type = Swift.type(of: parameter).pgDataType
            return type.isExtension && types.oid(named: type.name) == nil ? type.name : nil
        }
    }

    private mutating func append<T: PGEncodable>(_ value: T) throws(PGError) {
        let type = T.pgDataType
        guard let oid = type.isExtension ? buffer.types.oid(named: type.name) : type.oid else {
            throw PGError(.invalidParameter, "type \"\(type.name)\" is not installed in this database (CREATE EXTENSION?)")
        }
        oids.append(oid)
        if value.isPGNull {
            offsets.append(0)
            lengths.append(-1)
            return
        }
        let start = buffer.count
        try value.encode(into: &buffer)
        let length = buffer.count - start
        guard length <= Int32.max else { throw PGError(.invalidParameter, "value exceeds PostgreSQL's 1 GB limit") }
        offsets.append(start)
        lengths.append(Int32(length))
    }

    var count: Int { oids.count }

    /// Calls `body` with the C arrays libpq's `PQexecParams` family takes.
    func withCArrays<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<UInt32>?) -> R
    ) -> R {
        buffer.bytes.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!)
            var values = [UnsafePointer<CChar>?]()
            values.reserveCapacity(count)
            for index in 0..<count {
                values.append(lengths[index] < 0 ? nil : (base + offsets[index]).assumingMemoryBound(to: CChar.self))
            }
            let formats = [Int32](repeating: 1, count: count)
            return values.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        oids.withUnsafeBufferPointer { oids in
                            body(values.baseAddress, lengths.baseAddress, formats.baseAddress, oids.baseAddress)
                        }
                    }
                }
            }
        }
    }
}
