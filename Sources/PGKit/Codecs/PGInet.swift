/// An `inet` value: an IPv4 or IPv6 host address with the length of its network prefix
/// (`192.168.0.10/24` is host `.10` on a /24 network). Reads `inet` columns and `cidr`
/// columns (every network is also an `inet`, as `cidr::inet` says); written as `inet`.
///
/// ```swift
/// let client = try PGInet("2001:db8::7/64")
/// try await conn.execute("INSERT INTO logins (address) VALUES (\(client))")
/// ```
///
/// `description` is PostgreSQL's output (`inet_out`, what psql shows): the prefix is left out
/// when it covers the whole address (`10.0.0.1`, `::1`). SQL's `text(inet)`, which `::text`
/// calls, always adds it (`10.0.0.1/32`).
public struct PGInet: Hashable, Sendable, CustomStringConvertible {
    let network: IPNetwork

    /// Parses `192.168.0.1`, `10.1.2.3/8`, `::1`, `2001:db8::1/64`, `::ffff:1.2.3.4`:
    /// four dotted decimal octets or IPv6 groups (with `::` and a trailing IPv4 part), and an
    /// optional prefix length (32 or 128 when absent).
    public init(_ text: String) throws(PGError) {
        network = try IPNetwork(parsing: text, typeName: "inet")
    }

    /// An address from its 4 (IPv4) or 16 (IPv6) bytes in network order, and a prefix length
    /// (the whole address when nil).
    public init(bytes: [UInt8], prefixLength: Int? = nil) throws(PGError) {
        network = try IPNetwork(bytes: bytes, prefixLength: prefixLength, typeName: "inet")
    }

    /// A network is also an address (its host bits are zero).
    public init(_ cidr: PGCIDR) {
        network = cidr.network
    }

    init(network: IPNetwork) { self.network = network }

    /// The address in network order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] { network.bytes }
    /// The number of leading bits that name the network: 0...32 (IPv4) or 0...128 (IPv6).
    public var prefixLength: Int { network.prefixLength }
    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { network.isIPv6 }

    /// The network this address is on, with the host bits cleared (SQL's `network(inet)`).
    public var cidr: PGCIDR { PGCIDR(network: network.network) }

    /// PostgreSQL's output form: `10.1.2.3/8`, `10.0.0.1` (no `/32`), `::ffff:1.2.3.4`.
    public var description: String { network.text(omitsFullPrefix: true) }
}

extension PGInet: PGCodable {
    public static var pgDataType: PGDataType { .inet }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        network.write(into: &buffer, isCIDR: false)
    }

    /// Reads `inet` and `cidr` columns.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        guard type == PGDataType.inet.oid || type == PGDataType.cidr.oid else { throw context.mismatch(type, PGInet.self) }
        network = try IPNetwork.read(&buffer, typeName: "inet")
    }
}
