import Foundation

/// Reads a migration file into a `String` in one pass, refusing what SQL text cannot hold: a
/// NUL byte (libpq would silently cut the statement there) or bytes that are not UTF-8, named
/// by line. The bytes go straight into the string's storage: one copy of the file, no more.
enum MigrationFileReader {
    static func read(_ url: URL, name file: String) throws(MigratorError) -> String {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadableFile(file: file, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadableFile(file: file, reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .unreadableFile(file: file, reason: "not a regular file") }
        let size = Int(status.st_size)
        var failure: MigratorError?
        let text = String(unsafeUninitializedCapacity: size) { buffer in
            var count = 0
            while count < size {
                let read = Foundation.read(descriptor, buffer.baseAddress! + count, size - count)
                if read < 0, errno == EINTR { continue }
                if read < 0 {
                    failure = .unreadableFile(file: file, reason: String(cString: strerror(errno)))
                    return 0
                }
                if read == 0 { break }
                count += read
            }
            var extra: UInt8 = 0
            if count < size || Foundation.read(descriptor, &extra, 1) != 0 {
                failure = .unreadableFile(file: file, reason: "it changed while being read")
                return 0
            }
            let bytes = UnsafeBufferPointer(rebasing: buffer[..<count])
            if let problem = firstProblem(in: bytes) {
                let line = bytes[..<problem.offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                failure = problem.isNUL ? .containsNUL(file: file, line: line) : .notUTF8(file: file, line: line)
                return 0
            }
            return count
        }
        if let failure { throw failure }
        return text
    }

    /// The offset of the first NUL byte or malformed UTF-8 sequence (Unicode's Table 3-7: no
    /// overlong forms, no surrogates, nothing past U+10FFFF).
    static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> (offset: Int, isNUL: Bool)? {
        let count = bytes.count
        var index = 0
        while index < count {
            // Eight ASCII bytes without a NUL at a time.
            if index + 8 <= count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                let hasZeroByte = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
                if word & 0x8080_8080_8080_8080 == 0 && !hasZeroByte {
                    index += 8
                    continue
                }
            }
            let lead = bytes[index]
            if lead == 0 { return (index, true) }
            if lead < 0x80 {
                index += 1
                continue
            }
            func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
                index + offset < count && range.contains(bytes[index + offset])
            }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = continuation(1) ? 2 : 0
            case 0xE0: length = continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
            case 0xE1...0xEC, 0xEE...0xEF: length = continuation(1) && continuation(2) ? 3 : 0
            case 0xED: length = continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
            case 0xF0: length = continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
            case 0xF1...0xF3: length = continuation(1) && continuation(2) && continuation(3) ? 4 : 0
            case 0xF4: length = continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
            default: length = 0
            }
            guard length > 0 else { return (index, false) }
            index += length
        }
        return nil
    }
}
