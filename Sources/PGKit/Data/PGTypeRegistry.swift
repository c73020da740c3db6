/// The OIDs of extension types on one database, looked up by name (`pg_type.typname`).
///
/// Extension types such as pgvector's `vector` get a different OID in every database, so each
/// connection resolves them once and caches the answer here. A value type whose storage sits
/// behind one copy-on-write reference: decoders receive it with every value, and copying it
/// must cost one reference count, not one per dictionary.
public struct PGTypeRegistry: Sendable {
    private final class Storage: @unchecked Sendable {
        // Safety: mutated only through `PGTypeRegistry.register`, after a uniqueness check
        // (copy-on-write), so a shared instance is never written.
        var oidsByName: [String: UInt32] = [:]
        var namesByOID: [UInt32: String] = [:]

        func copy() -> Storage {
            let copy = Storage()
            copy.oidsByName = oidsByName
            copy.namesByOID = namesByOID
            return copy
        }
    }

    private var storage = Storage()

    public init() {}

    /// The names PGKit resolves on each connection.
    static let knownExtensionTypes = ["vector", "_vector", "citext", "_citext", "halfvec", "_halfvec", "sparsevec", "_sparsevec"]

    /// Records that `name` has `oid` in this database.
    public mutating func register(name: String, oid: UInt32) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.oidsByName[name] = oid
        storage.namesByOID[oid] = name
    }

    /// The OID of an extension type, if the database has it.
    public func oid(named name: String) -> UInt32? { storage.oidsByName[name] }

    /// The extension type name for an OID, if it is one PGKit resolved.
    public func name(of oid: UInt32) -> String? { storage.namesByOID[oid] }

    /// Whether `oid` is the OID of `type` (resolving extension types through the registry).
    public func oid(_ oid: UInt32, is type: PGDataType) -> Bool {
        if type.isExtension { return storage.oidsByName[type.name] == oid }
        return type.oid == oid
    }

    /// The OID to send for `type`, or nil when an extension type is unknown here.
    func resolve(_ type: PGDataType) -> UInt32? {
        type.isExtension ? storage.oidsByName[type.name] : type.oid
    }
}
