/// A result column's name and server type.
public struct PGColumn: Sendable, Hashable {
    public let name: String
    /// The column's type OID (see `PGDataType`).
    public let typeOID: UInt32
    /// The OID of the table the column comes from, or 0.
    public let tableOID: UInt32
}
