/// Encodes rows into PostgreSQL's binary COPY format with the same codecs as parameters:
/// a signature and header, then per row a field count and length-prefixed fields, then a trailer.
struct PGCopyEncoder {
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    private(set) var buffer: PGWriteBuffer
    let columnCount: Int

    init(columnCount: Int, types: PGTypeRegistry) {
        self.columnCount = columnCount
        buffer = PGWriteBuffer(capacity: 1 << 16, types: types)
    }

    mutating func writeHeader() {
        buffer.writeBytes(Self.signature)
        buffer.writeInteger(Int32(0))  // flags
        buffer.writeInteger(Int32(0))  // header extension length
    }

    /// Appends one row; throws (naming the column) when a value cannot be encoded.
    mutating func writeRow(_ row: [any PGEncodable], number: Int, columns: [String]) throws(PGError) {
        guard row.count == columnCount else {
            throw PGError(.invalidParameter, "row \(number) has \(row.count) values for \(columnCount) columns")
        }
        buffer.writeInteger(Int16(columnCount))
        for index in row.indices {
            do {
                try buffer.writeLengthPrefixed(row[index])
            } catch {
                var enriched = error
                enriched.message = "row \(number), column \"\(columns[index])\": \(error.message)"
                throw enriched
            }
        }
    }

    mutating func writeTrailer() { buffer.writeInteger(Int16(-1)) }

    /// Hands the bytes written so far to `send` and starts a new chunk.
    mutating func flush(_ send: ([UInt8]) throws(PGError) -> Void) throws(PGError) {
        guard buffer.count > 0 else { return }
        try send(buffer.bytes)
        buffer.removeAll(keepingCapacity: true)
    }
}
