/// A read cursor over one value's bytes in PostgreSQL's binary wire format.
///
/// Every read checks bounds and throws `PGError.decodingFailed` instead of trapping, so
/// malformed input from the server (or a fuzzer) produces an error, never a crash.
public struct PGReadBuffer {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var readerIndex: Int = 0

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var readableBytes: Int { bytes.count - readerIndex }

    public mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(PGError) -> T {
        let size = MemoryLayout<T>.size
        guard readableBytes >= size else {
            throw PGError(.decodingFailed, "expected \(size) more bytes, found \(readableBytes)")
        }
        let value = bytes.loadUnaligned(fromByteOffset: readerIndex, as: T.self)
        readerIndex += size
        return T(bigEndian: value)
    }

    public mutating func readFloat() throws(PGError) -> Float {
        Float(bitPattern: try readInteger(as: UInt32.self))
    }

    public mutating func readDouble() throws(PGError) -> Double {
        Double(bitPattern: try readInteger(as: UInt64.self))
    }

    /// The next `count` big-endian floats, checked for length once.
    public mutating func readFloats(_ count: Int) throws(PGError) -> [Float] {
        guard count >= 0, readableBytes >= count * 4 else {
            throw PGError(.decodingFailed, "expected \(count * 4) more bytes, found \(readableBytes)")
        }
        let base = readerIndex
        let bytes = self.bytes
        let values = [Float](unsafeUninitializedCapacity: count) { target, initialized in
            for index in 0..<count {
                let bits = bytes.loadUnaligned(fromByteOffset: base + index * 4, as: UInt32.self)
                target[index] = Float(bitPattern: UInt32(bigEndian: bits))
            }
            initialized = count
        }
        readerIndex += count * 4
        return values
    }

    /// The next `count` bytes, without copying.
    public mutating func readSlice(_ count: Int) throws(PGError) -> UnsafeRawBufferPointer {
        guard count >= 0, readableBytes >= count else {
            throw PGError(.decodingFailed, "expected \(count) more bytes, found \(readableBytes)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[readerIndex..<(readerIndex + count)])
        readerIndex += count
        return slice
    }

    /// The rest of the bytes, without copying.
    public mutating func readRemaining() -> UnsafeRawBufferPointer {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[readerIndex...])
        readerIndex = bytes.count
        return slice
    }

    /// Throws unless every byte was consumed: trailing bytes mean the value was misread.
    public func expectEnd(_ typeName: String) throws(PGError) {
        guard readableBytes == 0 else {
            throw PGError(.decodingFailed, "\(readableBytes) unexpected trailing bytes in \(typeName) value")
        }
    }
}
