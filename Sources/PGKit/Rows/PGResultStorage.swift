import CLibPQ

/// Owns one libpq `PGresult` and frees it when the last row referring to it goes away.
///
/// A `PGresult` is immutable once libpq hands it over, and libpq documents it as safe to read
/// from any thread, which is what makes this class `Sendable`.
@usableFromInline
final class PGResultStorage: @unchecked Sendable {
    let handle: OpaquePointer
    let rowCount: Int
    @usableFromInline let columnCount: Int
    @usableFromInline let context: PGDecodingContext
    let metadata: PGResultMetadata

    /// `metadata`, when given, is reused (a prepared statement's columns never change).
    init(handle: OpaquePointer, context: PGDecodingContext, metadata: PGResultMetadata? = nil) {
        self.handle = handle
        self.context = context
        rowCount = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
        if let metadata, metadata.columns.count == columnCount {
            self.metadata = metadata
        } else if columnCount == 0 {
            self.metadata = PGResultMetadata.none
        } else {
            self.metadata = PGResultMetadata(handle: handle)
        }
    }

    deinit { PQclear(handle) }

    var columns: [PGColumn] { metadata.columns }

    func columnIndex(named name: String) -> Int? { metadata.indexByName[name] }

    @inline(__always)
    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    /// The type OID of `column` and the value at `row`, `column` (nil for NULL): everything
    /// decoding a value reads from libpq, in one call.
    @usableFromInline
    func value(row: Int, column: Int) -> (oid: UInt32, bytes: UnsafeRawBufferPointer?) {
        let oid = metadata.typeOIDs[column]
        if PQgetisnull(handle, Int32(row), Int32(column)) == 1 { return (oid, nil) }
        return (oid, bytes(row: row, column: column))
    }

    @inline(__always)
    func bytes(row: Int, column: Int) -> UnsafeRawBufferPointer {
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        let pointer = PQgetvalue(handle, Int32(row), Int32(column))
        return UnsafeRawBufferPointer(start: pointer, count: length)
    }

    /// The command tag's affected-row count (`INSERT 0 5` gives 5), or 0.
    var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    var commandTag: String { PQcmdStatus(handle).map { String(cString: $0) } ?? "" }
}

/// A result's column names and types, shared by every result of the same prepared statement.
final class PGResultMetadata: Sendable {
    /// The metadata of results without columns (INSERT, UPDATE...), shared.
    static let none = PGResultMetadata()

    let columns: [PGColumn]
    /// The columns' type OIDs alone, read for every value decoded (no String to retain).
    let typeOIDs: [UInt32]
    let indexByName: [String: Int]

    private init() {
        columns = []
        typeOIDs = []
        indexByName = [:]
    }

    init(handle: OpaquePointer) {
        let count = Int(PQnfields(handle))
        var columns: [PGColumn] = []
        var byName: [String: Int] = [:]
        columns.reserveCapacity(count)
        for index in 0..<count {
            let name = PQfname(handle, Int32(index)).map { String(cString: $0) } ?? ""
            columns.append(PGColumn(name: name, typeOID: PQftype(handle, Int32(index)), tableOID: PQftable(handle, Int32(index))))
            if byName[name] == nil { byName[name] = index }
        }
        self.columns = columns
        typeOIDs = columns.map(\.typeOID)
        indexByName = byName
    }
}
