import CLibPQ
import Foundation

extension PGRow {
    /// A row built from the values the log carries, in a `PGresult` of its own so that it
    /// decodes exactly as a query's row (binary values through the same codecs; text values, for
    /// types the server cannot send in binary, as text). Unchanged and NULL values are NULL.
    static func fromLog(_ values: [PgOutputDecoder.TupleValue], relation: PGRelation, context: PGDecodingContext) throws(PGError) -> PGRow {
        guard let result = PQmakeEmptyPGresult(nil, PGRES_TUPLES_OK) else { throw PGError(.protocolViolation, "out of memory") }
        let count = min(values.count, relation.columns.count)
        let names = relation.columns.prefix(count).map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var attributes = (0..<count).map { index -> PGresAttDesc in
            let column = relation.columns[index]
            let isText: Bool
            if case .text = values[index] { isText = true } else { isText = false }
            return PGresAttDesc(name: names[index], tableid: relation.oid, columnid: Int32(index + 1), format: isText ? 0 : 1,
                                typid: column.typeOID, typlen: -1, atttypmod: column.typeModifier)
        }
        guard PQsetResultAttrs(result, Int32(count), &attributes) == 1 else {
            PQclear(result)
            throw PGError(.protocolViolation, "could not describe the columns of \(relation.qualifiedName)")
        }
        for index in 0..<count {
            let stored: Int32
            switch values[index] {
            case .null, .unchanged:
                stored = PQsetvalue(result, 0, Int32(index), nil, -1)
            case .text(let bytes), .binary(let bytes):
                // An empty value still needs a non-NULL pointer (NULL means SQL NULL); libpq
                // copies nothing from it, so the column's name serves.
                let pointer = bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: CChar.self)) } ?? names[index]
                stored = PQsetvalue(result, 0, Int32(index), pointer, Int32(bytes.count))
            }
            guard stored == 1 else {
                PQclear(result)
                throw PGError(.protocolViolation, "could not store a value of \(relation.qualifiedName)")
            }
        }
        return PGRow(storage: PGResultStorage(handle: result, context: context), index: 0)
    }
}

extension PGRow {
    /// The value at `column` as the server's text, when it arrived as text (rows of a change
    /// stream read with `binaryValues: false`, as `dbctl watch` does); nil for NULL or a value
    /// in binary.
    public func text(at column: Int) -> String? {
        guard column >= 0, column < columnCount, !isNull(column),
              PQfformat(storage.handle, Int32(firstColumn + column)) == 0 else { return nil }
        return String(decoding: bytes(at: column), as: UTF8.self)
    }
}
