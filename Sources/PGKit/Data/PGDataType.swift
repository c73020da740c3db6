/// A PostgreSQL type as PGKit sends or expects it: a built-in type with a fixed OID, or an
/// extension type (such as pgvector's `vector`) whose OID each connection looks up by name.
public struct PGDataType: Hashable, Sendable, CustomStringConvertible {
    /// The fixed OID of a built-in type; `0` for extension types, which are resolved by name.
    public let oid: UInt32
    /// The type's name in `pg_type.typname`, such as `int8`, `_int8` or `vector`.
    public let name: String

    /// A built-in type with a fixed OID.
    public init(oid: UInt32, name: String) {
        self.oid = oid
        self.name = name
    }

    /// An extension type, resolved by name on each connection.
    public init(extensionTypeNamed name: String) {
        self.oid = 0
        self.name = name
    }

    /// Whether the OID must be looked up on the connection.
    public var isExtension: Bool { oid == 0 }

    public var description: String { name }

    public static let bool = PGDataType(oid: 16, name: "bool")
    public static let bytea = PGDataType(oid: 17, name: "bytea")
    public static let char = PGDataType(oid: 18, name: "char")
    public static let name = PGDataType(oid: 19, name: "name")
    public static let int8 = PGDataType(oid: 20, name: "int8")
    public static let int2 = PGDataType(oid: 21, name: "int2")
    public static let int4 = PGDataType(oid: 23, name: "int4")
    public static let text = PGDataType(oid: 25, name: "text")
    public static let oidType = PGDataType(oid: 26, name: "oid")
    public static let json = PGDataType(oid: 114, name: "json")
    public static let float4 = PGDataType(oid: 700, name: "float4")
    public static let float8 = PGDataType(oid: 701, name: "float8")
    public static let unknown = PGDataType(oid: 705, name: "unknown")
    public static let bpchar = PGDataType(oid: 1042, name: "bpchar")
    public static let varchar = PGDataType(oid: 1043, name: "varchar")
    public static let date = PGDataType(oid: 1082, name: "date")
    public static let timestamp = PGDataType(oid: 1114, name: "timestamp")
    public static let timestamptz = PGDataType(oid: 1184, name: "timestamptz")
    public static let numeric = PGDataType(oid: 1700, name: "numeric")
    public static let uuid = PGDataType(oid: 2950, name: "uuid")
    public static let jsonb = PGDataType(oid: 3802, name: "jsonb")
    /// pgvector's `vector(n)`.
    public static let vector = PGDataType(extensionTypeNamed: "vector")
    /// The `citext` extension's case-insensitive text.
    public static let citext = PGDataType(extensionTypeNamed: "citext")

    private static let arrayTypes: [UInt32: PGDataType] = [
        16: PGDataType(oid: 1000, name: "_bool"),
        17: PGDataType(oid: 1001, name: "_bytea"),
        18: PGDataType(oid: 1002, name: "_char"),
        19: PGDataType(oid: 1003, name: "_name"),
        20: PGDataType(oid: 1016, name: "_int8"),
        21: PGDataType(oid: 1005, name: "_int2"),
        23: PGDataType(oid: 1007, name: "_int4"),
        25: PGDataType(oid: 1009, name: "_text"),
        114: PGDataType(oid: 199, name: "_json"),
        700: PGDataType(oid: 1021, name: "_float4"),
        701: PGDataType(oid: 1022, name: "_float8"),
        1042: PGDataType(oid: 1014, name: "_bpchar"),
        1043: PGDataType(oid: 1015, name: "_varchar"),
        1082: PGDataType(oid: 1182, name: "_date"),
        1114: PGDataType(oid: 1115, name: "_timestamp"),
        1184: PGDataType(oid: 1185, name: "_timestamptz"),
        1700: PGDataType(oid: 1231, name: "_numeric"),
        2950: PGDataType(oid: 2951, name: "_uuid"),
        3802: PGDataType(oid: 3807, name: "_jsonb"),
    ]

    /// The array type whose elements are of this type (`int8` gives `_int8`).
    public var arrayType: PGDataType {
        if isExtension { return PGDataType(extensionTypeNamed: "_" + name) }
        return Self.arrayTypes[oid] ?? PGDataType(oid: 0, name: "_" + name)
    }

    /// The names of the built-in types PGKit reads as text.
    static let textOIDs: Set<UInt32> = [25, 1043, 19, 1042, 705, 18]
}
