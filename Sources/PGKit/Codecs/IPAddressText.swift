/// The address and prefix length shared by `PGInet` and `PGCIDR`: parsing of the usual text
/// forms, PostgreSQL's formatting (`inet_net_ntop`), and the binary format both types use
/// (family, bits, is_cidr, address length, address in network order).
struct IPNetwork: Hashable, Sendable {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    let bytes: [UInt8]
    let prefixLength: Int

    var isIPv6: Bool { bytes.count == 16 }
    var maxPrefixLength: Int { bytes.count * 8 }

    init(bytes: [UInt8], prefixLength: Int?, typeName: String) throws(PGError) {
        guard bytes.count == 4 || bytes.count == 16 else {
            throw PGError(.invalidParameter, "an \(typeName) address has 4 (IPv4) or 16 (IPv6) bytes, not \(bytes.count)")
        }
        let length = prefixLength ?? bytes.count * 8
        guard (0...(bytes.count * 8)).contains(length) else {
            throw PGError(.invalidParameter, "prefix length \(length) is out of range for an IPv\(bytes.count == 4 ? 4 : 6) \(typeName) value (0...\(bytes.count * 8))")
        }
        self.bytes = bytes
        self.prefixLength = length
    }

    /// Whether any bit to the right of the prefix is set (not allowed in `cidr`).
    var hasHostBits: Bool {
        for index in bytes.indices {
            let firstBit = index * 8
            if firstBit + 8 <= prefixLength { continue }
            let keep = max(0, prefixLength - firstBit)
            let mask: UInt8 = keep == 0 ? 0 : ~UInt8(0) << (8 - keep)
            if bytes[index] & ~mask != 0 { return true }
        }
        return false
    }

    /// The same prefix with every host bit cleared.
    var network: IPNetwork {
        var masked = bytes
        for index in masked.indices {
            let keep = min(8, max(0, prefixLength - index * 8))
            masked[index] &= keep == 0 ? 0 : ~UInt8(0) << (8 - keep)
        }
        return IPNetwork(unchecked: masked, prefixLength: prefixLength)
    }

    private init(unchecked bytes: [UInt8], prefixLength: Int) {
        self.bytes = bytes
        self.prefixLength = prefixLength
    }

    // MARK: Text

    /// Parses `192.168.0.1`, `10.0.0.0/8`, `::1`, `2001:db8::/32` or `::ffff:1.2.3.4`.
    init(parsing text: String, typeName: String) throws(PGError) {
        func invalid() -> PGError { PGError(.invalidParameter, "invalid \(typeName) value: \"\(text)\"") }
        var addressText = Substring(text)
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            addressText = text[..<slash]
            let digits = text[text.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else { throw invalid() }
            prefix = value
        }
        let bytes: [UInt8]
        if addressText.contains(":") {
            guard let parsed = Self.parseIPv6(addressText) else { throw invalid() }
            bytes = parsed
        } else {
            guard let parsed = Self.parseIPv4(addressText) else { throw invalid() }
            bytes = parsed
        }
        try self.init(bytes: bytes, prefixLength: prefix, typeName: typeName)
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        sawGap = halves.count == 2
        func groups(_ part: String, allowIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, allowIPv4, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let first = groups(halves[0], allowIPv4: !sawGap) else { return nil }
        head = first
        if sawGap {
            guard let second = groups(halves[1], allowIPv4: true) else { return nil }
            tail = second
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard head.count == 8 else { return nil }
        }
        let words = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// PostgreSQL's text: every IPv4 octet; IPv6 with the longest run of two or more zero
    /// groups (the first of equal runs) shortened to `::`, and `::a.b.c.d` / `::ffff:a.b.c.d`
    /// for IPv4-compatible and IPv4-mapped addresses; then `/n` unless `omitsFullPrefix` and the
    /// prefix covers the whole address.
    func text(omitsFullPrefix: Bool) -> String {
        var text = isIPv6 ? ipv6Text : bytes.map { String($0) }.joined(separator: ".")
        if !(omitsFullPrefix && prefixLength == maxPrefixLength) { text += "/\(prefixLength)" }
        return text
    }

    private var ipv6Text: String {
        let words = (0..<8).map { UInt16(bytes[$0 * 2]) << 8 | UInt16(bytes[$0 * 2 + 1]) }
        var best: (base: Int, count: Int)?
        var current: (base: Int, count: Int)?
        for index in 0..<8 {
            if words[index] == 0 {
                current = current.map { ($0.base, $0.count + 1) } ?? (index, 1)
            } else if let run = current {
                if best == nil || run.count > best!.count { best = run }
                current = nil
            }
        }
        if let run = current, best == nil || run.count > best!.count { best = run }
        if let run = best, run.count < 2 { best = nil }
        var text = ""
        var index = 0
        while index < 8 {
            if let run = best, index >= run.base, index < run.base + run.count {
                if index == run.base { text += ":" }
                index += 1
                continue
            }
            if index != 0 { text += ":" }
            if index == 6, let run = best, run.base == 0, run.count == 6 || (run.count == 5 && words[5] == 0xFFFF) {
                text += bytes[12...].map { String($0) }.joined(separator: ".")
                return text
            }
            text += String(words[index], radix: 16)
            index += 1
        }
        if let run = best, run.base + run.count == 8 { text += ":" }
        return text
    }

    // MARK: Binary

    func write(into buffer: inout PGWriteBuffer, isCIDR: Bool) {
        buffer.writeInteger(UInt8(isIPv6 ? 3 : 2))  // PGSQL_AF_INET6 / PGSQL_AF_INET
        buffer.writeInteger(UInt8(prefixLength))
        buffer.writeInteger(UInt8(isCIDR ? 1 : 0))
        buffer.writeInteger(UInt8(bytes.count))
        buffer.writeBytes(bytes)
    }

    static func read(_ buffer: inout PGReadBuffer, typeName: String) throws(PGError) -> IPNetwork {
        let family = try buffer.readInteger(as: UInt8.self)
        let bits = Int(try buffer.readInteger(as: UInt8.self))
        _ = try buffer.readInteger(as: UInt8.self)  // is_cidr: the column type says
        let count = Int(try buffer.readInteger(as: UInt8.self))
        guard (family == 2 && count == 4) || (family == 3 && count == 16), bits <= count * 8, buffer.readableBytes == count else {
            throw PGError(.decodingFailed, "malformed \(typeName) value: family \(family), \(bits) bits, \(count) address bytes in \(buffer.readableBytes)")
        }
        return IPNetwork(unchecked: Array(try buffer.readSlice(count)), prefixLength: bits)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
