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
        try encode(parameters)
    }

    /// Empty bindings to fill with `encode`, again and again without allocating anew, as a
    /// pipeline does for each of its statements.
    init(types: PGTypeRegistry) {
        buffer = PGWriteBuffer(capacity: 256, types: types)
    }

    /// Replaces the bindings with `parameters`, keeping the storage already allocated.
    mutating func encode(_ parameters: [any PGEncodable]) throws(PGError) {
        buffer.removeAll(keepingCapacity: true)
        oids.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        oids.reserveCapacity(parameters.count)
        offsets.reserveCapacity(parameters.count)
        lengths.reserveCapacity(parameters.count)
        for index in parameters.indices {
            do {
                try append(parameters[index])
            } catch {
                var enriched = error
                enriched.message = "parameter $\(index + 1): \(error.message)"
                throw enriched
            }
        }
        buffer.writeInteger(UInt8(0))  // keeps the base address valid when every value is empty
    }

    /// Replaces the bindings with `parameters`, for a connection whose extension types are
    /// `types`, keeping the storage already allocated.
    mutating func encode(_ parameters: [any PGEncodable], types: PGTypeRegistry) throws(PGError) {
        buffer.types = types
        try encode(parameters)
    }

    /// Whether the parameters use an extension type that `types` does not know yet (asked
    /// for every statement, so it allocates nothing).
    static func usesUnknownExtensionTypes(_ parameters: [any PGEncodable], types: PGTypeRegistry) -> Bool {
        parameters.contains { parameter in
            let type = Swift.type(of: parameter).pgDataType
            return type.isExtension && types.oid(named: type.name) == nil
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

    /// The bytes the value buffer holds allocated (its capacity), kept by `encode` for reuse.
    var retainedBytes: Int { buffer.bytes.capacity }

    /// Calls `body` with the C arrays libpq's `PQexecParams` family takes (the pointer and
    /// format arrays live on the stack for the call).
    func withCArrays<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<UInt32>?) -> R
    ) -> R {
        let count = self.count
        return buffer.bytes.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!)
            return withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: max(count, 1)) { values in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(count, 1)) { formats in
                    for index in 0..<count {
                        values[index] = lengths[index] < 0 ? nil : (base + offsets[index]).assumingMemoryBound(to: CChar.self)
                        formats[index] = 1
                    }
                    return lengths.withUnsafeBufferPointer { lengths in
                        oids.withUnsafeBufferPointer { oids in
                            body(UnsafePointer(values.baseAddress), lengths.baseAddress, UnsafePointer(formats.baseAddress), oids.baseAddress)
                        }
                    }
                }
            }
        }
    }
}
