/// An object identifier: an `oid` column, or any `reg*` alias of one (`regclass`, `regtype`,
/// `regproc`, ...), whose binary form is the same unsigned 32-bit number. Sent as `oid`, so
/// `\(oid)::regclass` names the table again.
///
/// ```swift
/// let table = try await conn.query("SELECT 'users'::regclass").scalar(PGOID.self)!
/// let columns = try await conn.query("SELECT attname FROM pg_attribute WHERE attrelid = \(table) AND attnum > 0")
/// ```
///
/// `description` is the number (`16384`), as `oid` prints; a `regclass` prints its name, which
/// `::text` in the query gives. `UInt32` reads the same columns.
public struct PGOID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number.
    public let rawValue: UInt32

    /// The object identifier `rawValue`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The object identifier `value`.
    public init(_ value: UInt32) { rawValue = value }

    public init(integerLiteral value: UInt32) { rawValue = value }

    public static func < (lhs: PGOID, rhs: PGOID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The number, as `oid` prints it.
    public var description: String { String(rawValue) }
}

extension PGOID: PGCodable {
    public static var pgDataType: PGDataType { .oidType }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(rawValue) }

    /// Reads `oid` and every `reg*` type.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        guard PGDataType.objectIdentifierOIDs.contains(type) else { throw context.mismatch(type, PGOID.self) }
        guard buffer.readableBytes == 4 else {
            throw PGError(.decodingFailed, "malformed \(context.typeName(type)) value: \(buffer.readableBytes) bytes, expected 4")
        }
        rawValue = try buffer.readInteger(as: UInt32.self)
    }
}

extension PGDataType {
    /// `oid` and its aliases (`regproc`, `regclass`, `regtype`, ...), all sent as a `uint32`.
    static let objectIdentifierOIDs: Set<UInt32> = [26, 24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191]
}
