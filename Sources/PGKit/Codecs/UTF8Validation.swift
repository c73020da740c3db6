import Foundation

/// UTF-8 validation for text read from the server, without the generic machinery behind
/// `String(validating:as:)` (whose runtime metadata lookups cost more than the check itself on
/// short values). `string` lets the standard library's `String` initializer do the check;
/// `isWellFormed` is PGKit's own, after Unicode's Table 3-7 (no overlong forms, no surrogates,
/// nothing past U+10FFFF), for a string whose bytes cannot be read back in place.
enum UTF8Validation {
    /// The bytes as a `String`, or nil when they are not well-formed UTF-8.
    ///
    /// The standard library validates what it is given (replacing each ill-formed part with
    /// U+FFFD), so the bytes are checked once, by it: a string whose bytes are the input's
    /// again was well-formed (a repaired one always differs, since U+FFFD's own bytes are
    /// well-formed), and comparing them costs less than validating twice.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return "" }
        let text = String(unsafeUninitializedCapacity: bytes.count) { target in
            UnsafeMutableRawPointer(target.baseAddress!).copyMemory(from: source, byteCount: bytes.count)
            return bytes.count
        }
        let unchanged = text.utf8.withContiguousStorageIfAvailable { stored in
            stored.count == bytes.count && memcmp(stored.baseAddress!, source, bytes.count) == 0
        }
        switch unchanged {
        case true?: return text
        case false?: return nil
        case nil: return isWellFormed(bytes) ? text : nil
        }
    }

    static func isWellFormed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var index = 0
        // ASCII runs, 32 bytes at a time, then eight.
        while index + 32 <= count {
            let words = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                | bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                | bytes.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                | bytes.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
            if words & 0x8080_8080_8080_8080 != 0 { break }
            index += 32
        }
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
                index + offset < count && range.contains(bytes[index + offset])
            }
            switch lead {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                index += 2
            case 0xE0:
                guard continuation(1, 0xA0...0xBF), continuation(2) else { return false }
                index += 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(1), continuation(2) else { return false }
                index += 3
            case 0xED:
                guard continuation(1, 0x80...0x9F), continuation(2) else { return false }
                index += 3
            case 0xF0:
                guard continuation(1, 0x90...0xBF), continuation(2), continuation(3) else { return false }
                index += 4
            case 0xF1...0xF3:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                index += 4
            case 0xF4:
                guard continuation(1, 0x80...0x8F), continuation(2), continuation(3) else { return false }
                index += 4
            default:
                return false
            }
        }
        return true
    }
}
