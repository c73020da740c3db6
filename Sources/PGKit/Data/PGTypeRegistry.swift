/// The OIDs of extension types on one database, looked up by name (`pg_type.typname`).
///
/// Extension types such as pgvector's `vector` get a different OID in every database, so each
/// connection resolves them once and caches the answer here.
public struct PGTypeRegistry: Sendable {
    private var oidsByName: [String: UInt32] = [:]
    private var namesByOID: [UInt32: String] = [:]

    public init() {}

    /// The names PGKit resolves on each connection.
    static let knownExtensionTypes = ["vector", "_vector", "citext", "_citext", "halfvec", "sparsevec"]

    /// Records that `name` has `oid` in this database.
    public mutating func register(name: String, oid: UInt32) {
        oidsByName[name] = oid
        namesByOID[oid] = name
    }

    /// The OID of an extension type, if the database has it.
    public func oid(named name: String) -> UInt32? { oidsByName[name] }

    /// The extension type name for an OID, if it is one PGKit resolved.
    public func name(of oid: UInt32) -> String? { namesByOID[oid] }

    /// Whether `oid` is the OID of `type` (resolving extension types through the registry).
    public func oid(_ oid: UInt32, is type: PGDataType) -> Bool {
        if type.isExtension { return oidsByName[type.name] == oid }
        return type.oid == oid
    }

    /// The OID to send for `type`, or nil when an extension type is unknown here.
    func resolve(_ type: PGDataType) -> UInt32? {
        type.isExtension ? oidsByName[type.name] : type.oid
    }
}
