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
    public static let xml = PGDataType(oid: 142, name: "xml")
    public static let point = PGDataType(oid: 600, name: "point")
    public static let cidr = PGDataType(oid: 650, name: "cidr")
    public static let float4 = PGDataType(oid: 700, name: "float4")
    public static let float8 = PGDataType(oid: 701, name: "float8")
    public static let unknown = PGDataType(oid: 705, name: "unknown")
    public static let macaddr8 = PGDataType(oid: 774, name: "macaddr8")
    public static let money = PGDataType(oid: 790, name: "money")
    public static let macaddr = PGDataType(oid: 829, name: "macaddr")
    public static let inet = PGDataType(oid: 869, name: "inet")
    public static let bpchar = PGDataType(oid: 1042, name: "bpchar")
    public static let varchar = PGDataType(oid: 1043, name: "varchar")
    public static let date = PGDataType(oid: 1082, name: "date")
    public static let time = PGDataType(oid: 1083, name: "time")
    public static let timestamp = PGDataType(oid: 1114, name: "timestamp")
    public static let timestamptz = PGDataType(oid: 1184, name: "timestamptz")
    public static let interval = PGDataType(oid: 1186, name: "interval")
    public static let timetz = PGDataType(oid: 1266, name: "timetz")
    public static let bit = PGDataType(oid: 1560, name: "bit")
    public static let varbit = PGDataType(oid: 1562, name: "varbit")
    public static let numeric = PGDataType(oid: 1700, name: "numeric")
    public static let regclass = PGDataType(oid: 2205, name: "regclass")
    public static let uuid = PGDataType(oid: 2950, name: "uuid")
    public static let tsvector = PGDataType(oid: 3614, name: "tsvector")
    public static let tsquery = PGDataType(oid: 3615, name: "tsquery")
    public static let jsonb = PGDataType(oid: 3802, name: "jsonb")
    public static let int4range = PGDataType(oid: 3904, name: "int4range")
    public static let numrange = PGDataType(oid: 3906, name: "numrange")
    public static let tsrange = PGDataType(oid: 3908, name: "tsrange")
    public static let tstzrange = PGDataType(oid: 3910, name: "tstzrange")
    public static let daterange = PGDataType(oid: 3912, name: "daterange")
    public static let int8range = PGDataType(oid: 3926, name: "int8range")
    public static let int4multirange = PGDataType(oid: 4451, name: "int4multirange")
    public static let nummultirange = PGDataType(oid: 4532, name: "nummultirange")
    public static let tsmultirange = PGDataType(oid: 4533, name: "tsmultirange")
    public static let tstzmultirange = PGDataType(oid: 4534, name: "tstzmultirange")
    public static let datemultirange = PGDataType(oid: 4535, name: "datemultirange")
    public static let int8multirange = PGDataType(oid: 4536, name: "int8multirange")
    public static let regproc = PGDataType(oid: 24, name: "regproc")
    public static let regtype = PGDataType(oid: 2206, name: "regtype")
    public static let regnamespace = PGDataType(oid: 4089, name: "regnamespace")
    public static let regrole = PGDataType(oid: 4096, name: "regrole")
    /// pgvector's `vector(n)`.
    public static let vector = PGDataType(extensionTypeNamed: "vector")
    /// pgvector's `halfvec(n)` (half-precision floats).
    public static let halfvec = PGDataType(extensionTypeNamed: "halfvec")
    /// pgvector's `sparsevec(n)`.
    public static let sparsevec = PGDataType(extensionTypeNamed: "sparsevec")
    /// The `citext` extension's case-insensitive text.
    public static let citext = PGDataType(extensionTypeNamed: "citext")

    /// Every built-in type PGKit names, with the OID of its array type.
    static let builtins: [(type: PGDataType, arrayOID: UInt32)] = [
        (.bool, 1000), (.bytea, 1001), (.char, 1002), (.name, 1003), (.int8, 1016), (.int2, 1005), (.int4, 1007),
        (.text, 1009), (.oidType, 1028), (.json, 199), (.xml, 143), (.point, 1017), (.cidr, 651), (.float4, 1021),
        (.float8, 1022), (.macaddr8, 775), (.money, 791), (.macaddr, 1040), (.inet, 1041), (.bpchar, 1014),
        (.varchar, 1015), (.date, 1182), (.time, 1183), (.timestamp, 1115), (.timestamptz, 1185), (.interval, 1187),
        (.timetz, 1270), (.bit, 1561), (.varbit, 1563), (.numeric, 1231), (.regclass, 2210), (.uuid, 2951),
        (.tsvector, 3643), (.tsquery, 3645), (.jsonb, 3807), (.int4range, 3905), (.numrange, 3907), (.tsrange, 3909),
        (.tstzrange, 3911), (.daterange, 3913), (.int8range, 3927), (.int4multirange, 6150), (.nummultirange, 6151),
        (.tsmultirange, 6152), (.tstzmultirange, 6153), (.datemultirange, 6155), (.int8multirange, 6157),
        (.regproc, 1008), (.regtype, 2211), (.regnamespace, 4090), (.regrole, 4097),
    ]

    private static let arrayTypes: [UInt32: PGDataType] = Dictionary(uniqueKeysWithValues: builtins.map { entry in
        (entry.type.oid, PGDataType(oid: entry.arrayOID, name: "_" + entry.type.name))
    })

    /// The element type's OID of each built-in array type (`_int8` gives `int8`).
    static let elementOIDs: [UInt32: UInt32] = Dictionary(uniqueKeysWithValues: builtins.map { ($0.arrayOID, $0.type.oid) })

    /// The array type whose elements are of this type (`int8` gives `_int8`).
    public var arrayType: PGDataType {
        if isExtension { return PGDataType(extensionTypeNamed: "_" + name) }
        return Self.arrayTypes[oid] ?? PGDataType(oid: 0, name: "_" + name)
    }

    /// The names of the built-in types PGKit reads as text.
    static let textOIDs: Set<UInt32> = [25, 1043, 19, 1042, 705]
}
