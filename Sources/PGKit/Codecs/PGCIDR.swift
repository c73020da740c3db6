/// A `cidr` value: an IPv4 or IPv6 network, a prefix whose host bits are all zero
/// (`10.0.0.0/8`, `2001:db8::/32`). A value with host bits set is refused, as the server
/// refuses it, rather than masked.
///
/// ```swift
/// let office = try PGCIDR("192.168.0.0/24")
/// let rows = try await conn.query("SELECT id FROM logins WHERE address << \(office)")
/// ```
///
/// A separate type from `PGInet` because the two are separate server types: an `inet`
/// parameter stored into a `cidr` column goes through the `inet`-to-`cidr` cast, which
/// silently clears host bits; a `PGCIDR` parameter is a `cidr`, checked on both sides.
public struct PGCIDR: Hashable, Sendable, CustomStringConvertible {
    let network: IPNetwork

    /// Parses `10.0.0.0/8`, `192.168.1.0/24`, `2001:db8::/32` (a full address without a
    /// prefix is a /32 or /128 network); throws if any bit right of the prefix is set.
    public init(_ text: String) throws(PGError) {
        try self.init(checking: try IPNetwork(parsing: text, typeName: "cidr"))
    }

    /// A network from its 4 or 16 address bytes in network order and its prefix length (the
    /// whole address when nil); throws if any bit right of the prefix is set.
    public init(bytes: [UInt8], prefixLength: Int? = nil) throws(PGError) {
        try self.init(checking: try IPNetwork(bytes: bytes, prefixLength: prefixLength, typeName: "cidr"))
    }

    private init(checking network: IPNetwork) throws(PGError) {
        guard !network.hasHostBits else {
            throw PGError(.invalidParameter, "invalid cidr value \(network.text(omitsFullPrefix: false)): bits are set right of the /\(network.prefixLength) prefix (use PGInet for a host address, or .cidr to take its network)")
        }
        self.network = network
    }

    init(network: IPNetwork) { self.network = network }

    /// The network address in network order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] { network.bytes }
    /// The number of bits that name the network: 0...32 (IPv4) or 0...128 (IPv6).
    public var prefixLength: Int { network.prefixLength }
    /// Whether this is an IPv6 network.
    public var isIPv6: Bool { network.isIPv6 }

    /// PostgreSQL's output form, which always shows the prefix: `10.0.0.0/8`, `10.0.0.1/32`.
    public var description: String { network.text(omitsFullPrefix: false) }
}

extension PGCIDR: PGCodable {
    public static var pgDataType: PGDataType { .cidr }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        network.write(into: &buffer, isCIDR: true)
    }

    /// Reads `cidr` columns only: an `inet` value may have host bits (read it as `PGInet`).
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .cidr, for: PGCIDR.self)
        let network = try IPNetwork.read(&buffer, typeName: "cidr")
        guard !network.hasHostBits else {
            throw PGError(.decodingFailed, "malformed cidr value: bits set right of the /\(network.prefixLength) prefix")
        }
        self.network = network
    }
}
