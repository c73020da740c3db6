import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `inet`, `cidr`, `macaddr` and `macaddr8` against the server's own text output, both ways.
@Suite struct NetworkAddressTests {
    static let database = SuiteDatabase("network_address")
    static let randomCount = 2_000

    /// Random addresses with the shapes that exercise the formatter: IPv6 with runs of zero
    /// groups of every length and place, IPv4-mapped and -compatible addresses, every prefix.
    static func randomInets() throws -> [PGInet] {
        var random = SeededGenerator(seed: 42)
        var values: [PGInet] = []
        for index in 0..<randomCount {
            if index % 3 == 0 {
                let bytes = (0..<4).map { _ in UInt8.random(in: 0...255, using: &random) }
                values.append(try PGInet(bytes: bytes, prefixLength: Bool.random(using: &random) ? nil : Int.random(in: 0...32, using: &random)))
                continue
            }
            var bytes = [UInt8](repeating: 0, count: 16)
            for word in 0..<8 where Int.random(in: 0..<3, using: &random) == 0 {
                bytes[word * 2] = UInt8.random(in: 0...255, using: &random) & (Bool.random(using: &random) ? 0xFF : 0x00)
                bytes[word * 2 + 1] = UInt8.random(in: 1...255, using: &random)
            }
            switch index % 11 {
            case 1: bytes.replaceSubrange(0..<12, with: [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF])  // ::ffff:a.b.c.d
            case 2: bytes.replaceSubrange(0..<12, with: [UInt8](repeating: 0, count: 12))                  // ::a.b.c.d
            default: break
            }
            values.append(try PGInet(bytes: bytes, prefixLength: Bool.random(using: &random) ? nil : Int.random(in: 0...128, using: &random)))
        }
        return values
    }

    static let edgeInets = [
        "0.0.0.0", "255.255.255.255", "0.0.0.0/0", "10.1.2.3/8", "192.168.0.1/32", "::", "::/0", "::1", "::2", "::1/128",
        "1::", "1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1", "1:0:1:0:1:0:1:0", "fe80::1/64", "2001:db8::ff00:42:8329",
        "::ffff:1.2.3.4", "::ffff:0.0.0.0", "::1.2.3.4", "::0.0.1.0", "::ffff:0:0", "0:0:0:0:0:1:0:0", "::1:0:0:0",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "FFFF::ABCD/16", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::",
    ]

    @Test func inetSentByPGKitPrintsAsItsDescription() async throws {
        let values = try Self.randomInets() + Self.edgeInets.map { try PGInet($0) }
        try await Self.database.withConnection { conn throws in
            let differences = try await ServerTextDifferential(conn: conn).sending(values, as: "inet")
            #expect(differences.isEmpty, "\(differences.count) of \(values.count): \(differences.prefix(10))")
        }
    }

    @Test func inetFromTheServerReadsAsTheServerPrintsIt() async throws {
        let literals = try Self.randomInets().map(\.description) + Self.edgeInets
        try await Self.database.withConnection { conn throws in
            let differences = try await ServerTextDifferential(conn: conn).reading(literals, as: "inet", into: PGInet.self, parse: { try PGInet($0) })
            #expect(differences.isEmpty, "\(differences.count) of \(literals.count): \(differences.prefix(10))")
        }
    }

    @Test func cidrBothWaysAndHostBitsRefused() async throws {
        let values = try Self.randomInets().map(\.cidr) + ["10.0.0.0/8", "10.0.0.1/32", "::/0", "::1/128", "ffff::/16", "128.0.0.0/1"].map { try PGCIDR($0) }
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            let sent = try await differential.sending(values, as: "cidr")
            #expect(sent.isEmpty, "\(sent.count) of \(values.count): \(sent.prefix(10))")
            let literals = values.map(\.description) + ["10/8", "10.1/16", "192.168.1", "::ffff:1.2.3.0/120"]
            let read = try await differential.reading(literals, as: "cidr", into: PGCIDR.self)
            #expect(read.isEmpty, "\(read.count) of \(literals.count): \(read.prefix(10))")
            // A cidr column read as PGInet is the network as an inet (cidr::inet).
            let asInet = try await conn.query("SELECT '10.0.0.1/32'::cidr, '10.0.0.0/8'::cidr").first!
            #expect(try asInet.decode(PGInet.self, at: 0).description == "10.0.0.1")
            #expect(try asInet.decode(PGInet.self, at: 1).description == "10.0.0.0/8")
        }
        expectInvalidParameter("host bits in a cidr") { try PGCIDR("10.1.2.3/8") }
        expectInvalidParameter("host bits in cidr bytes") { try PGCIDR(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], prefixLength: 64) }
        #expect(try PGInet("10.1.2.3/8").cidr == PGCIDR("10.0.0.0/8"))
    }

    @Test func invalidAddressesAreRefusedBeforeSending() {
        for text in ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4/33", "::/129", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::",
                     "g::1", "1.2.3.4/", "/8", "1.2.3.4/-1", "::1%eth0", " 1.2.3.4"] {
            expectInvalidParameter("inet \"\(text)\"") { try PGInet(text) }
        }
        expectInvalidParameter("5-byte address") { try PGInet(bytes: [1, 2, 3, 4, 5]) }
        expectInvalidParameter("prefix 33") { try PGInet(bytes: [1, 2, 3, 4], prefixLength: 33) }
    }

    @Test func macAddressesBothWays() async throws {
        var random = SeededGenerator(seed: 42)
        let macs = try (0..<Self.randomCount).map { _ in try PGMacAddress(bytes: (0..<6).map { _ in UInt8.random(in: 0...255, using: &random) }) }
            + ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "08-00-2B-01-02-03", "08002b010203"].map { try PGMacAddress($0) }
        let macs8 = try (0..<Self.randomCount).map { _ in try PGMacAddress8(bytes: (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }) }
            + [PGMacAddress8(try PGMacAddress("08:00:2b:01:02:03")), try PGMacAddress8("08002b0102030405")]
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(macs, as: "macaddr")
            differences += try await differential.sending(macs8, as: "macaddr8")
            differences += try await differential.reading(macs.map(\.description) + ["08-00-2b-01-02-03", "08002B010203"], as: "macaddr",
                                                          into: PGMacAddress.self, parse: { try PGMacAddress($0) })
            differences += try await differential.reading(macs8.map(\.description) + ["08:00:2b:01:02:03"], as: "macaddr8", into: PGMacAddress8.self)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
        }
        expectInvalidParameter("5 bytes") { try PGMacAddress(bytes: [1, 2, 3, 4, 5]) }
        expectInvalidParameter("text") { try PGMacAddress("08:00:2b:01:02") }
        expectInvalidParameter("mixed separators") { try PGMacAddress("08:00-2b:01:02:03") }
        expectInvalidParameter("macaddr8 of 6") { try PGMacAddress8(bytes: [1, 2, 3, 4, 5, 6]) }
    }

    @Test func arraysOfAddressesRoundTrip() async throws {
        try await Self.database.withConnection { conn throws in
            let inets = try Self.randomInets().prefix(50).map { $0 }
            #expect(try await conn.query("SELECT \(inets)::inet[]").scalar([PGInet].self) == inets)
            let cidrs = inets.map(\.cidr)
            #expect(try await conn.query("SELECT \(cidrs)::cidr[]").scalar([PGCIDR].self) == cidrs)
            let macs: [PGMacAddress?] = [try PGMacAddress("08:00:2b:01:02:03"), nil]
            #expect(try await conn.query("SELECT \(macs)::macaddr[]").scalar([PGMacAddress?].self) == macs)
            let macs8 = [try PGMacAddress8("08:00:2b:01:02:03:04:05")]
            #expect(try await conn.query("SELECT \(macs8)").scalar([PGMacAddress8].self) == macs8)
        }
    }

    @Test func wrongColumnTypesAreTypedErrors() async throws {
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            try await differential.expectDecodingFails("SELECT '10.0.0.1'::inet", as: PGCIDR.self)
            try await differential.expectDecodingFails("SELECT '10.0.0.1'::text", as: PGInet.self)
            try await differential.expectDecodingFails("SELECT 1::int4", as: PGInet.self)
            try await differential.expectDecodingFails("SELECT '08:00:2b:01:02:03:04:05'::macaddr8", as: PGMacAddress.self)
            try await differential.expectDecodingFails("SELECT '08:00:2b:01:02:03'::macaddr", as: PGMacAddress8.self)
            try await differential.expectDecodingFails("SELECT '10.0.0.1'::inet", as: String.self)
        }
    }
}
