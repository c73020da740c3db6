/// A growable byte buffer that codecs append PostgreSQL's binary wire format to (big-endian).
public struct PGWriteBuffer: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]
    /// The connection's extension type OIDs, for codecs that write OIDs (arrays of `vector`).
    public internal(set) var types: PGTypeRegistry

    public init(capacity: Int = 64, types: PGTypeRegistry = PGTypeRegistry()) {
        self.types = types
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func writeBytes<S: Sequence>(_ data: S) where S.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    public mutating func writeFloat(_ value: Float) { writeInteger(value.bitPattern) }

    /// Writes every float big-endian in one pass, as vectors need (one append per element
    /// cost more than the server's parse of them).
    public mutating func writeFloats(_ values: [Float]) {
        bytes.reserveCapacity(bytes.count + values.count * 4)
        values.withUnsafeBufferPointer { source in
            // Byte-swapped 256 at a time on the stack, then appended with one copy each.
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 256) { swapped in
                var start = 0
                while start < source.count {
                    let count = min(256, source.count - start)
                    for index in 0..<count { swapped[index] = source[start + index].bitPattern.bigEndian }
                    bytes.append(contentsOf: UnsafeRawBufferPointer(start: swapped.baseAddress, count: count * 4))
                    start += count
                }
            }
        }
    }

    public mutating func writeDouble(_ value: Double) { writeInteger(value.bitPattern) }

    /// Writes `value` preceded by its 4-byte length, or -1 for NULL, as arrays and COPY need.
    public mutating func writeLengthPrefixed(_ value: some PGEncodable) throws(PGError) {
        if value.isPGNull {
            writeInteger(Int32(-1))
            return
        }
        let lengthOffset = bytes.count
        writeInteger(Int32(0))
        try value.encode(into: &self)
        try patchLength(at: lengthOffset)
    }

    /// Overwrites the integer written earlier at `offset` (a flag or a count known only later).
    mutating func patchInteger<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.bigEndian) { raw in
            for i in 0..<raw.count { bytes[offset + i] = raw[i] }
        }
    }

    mutating func patchLength(at offset: Int) throws(PGError) {
        let length = bytes.count - offset - 4
        guard length <= Int32.max else {
            throw PGError(.invalidParameter, "value of \(length) bytes is larger than PostgreSQL's 1 GB field limit")
        }
        let big = Int32(length).bigEndian
        withUnsafeBytes(of: big) { raw in
            for i in 0..<4 { bytes[offset + i] = raw[i] }
        }
    }

    mutating func removeAll(keepingCapacity: Bool) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
    }
}
