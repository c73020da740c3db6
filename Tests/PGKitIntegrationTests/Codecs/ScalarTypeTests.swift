import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `money`, `point`, `oid` and the `reg*` types, `"char"` and `xml` against the server's own
/// text output, both ways.
@Suite struct ScalarTypeTests {
    static let database = SuiteDatabase("scalar_types")
    static let randomCount = 2_000

    @Test func moneyMatchesTheServersNumericTextBothWays() async throws {
        var random = SeededGenerator(seed: 42)
        let values = (0..<Self.randomCount).map { index in
            PGMoney(cents: index % 2 == 0 ? Int64.random(in: -100_000...100_000, using: &random) : Int64.random(in: .min ... .max, using: &random))
        } + [Int64.min, -1, 0, 1, 99, 100, Int64.max].map { PGMoney(cents: $0) }
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("SET lc_monetary = 'C'")
            let differential = ServerTextDifferential(conn: conn)
            // money's own text depends on lc_monetary ($1,234.56); its numeric value does not.
            var differences = try await differential.sending(values, as: "money", printed: { "(\($0))::numeric::text" })
            differences += try await differential.reading(values.map(\.description), as: "money", into: PGMoney.self, printed: { "(\($0))::numeric::text" })
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
            #expect(try await conn.query("SELECT '$1,234.56'::money").scalar(PGMoney.self) == PGMoney(cents: 123_456))
        }
    }

    static func randomDoubles() -> [Double] {
        var random = SeededGenerator(seed: 42)
        var values: [Double] = []
        for index in 0..<randomCount {
            switch index % 4 {
            case 0: values.append(Double(bitPattern: random.next()))                                   // any double, NaN payloads included
            case 1: values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / [1, 10, 100, 1000].randomElement(using: &random)!)
            case 2: values.append(Double(sign: .plus, exponent: Int.random(in: -1074...1023, using: &random), significand: 1) * (Bool.random(using: &random) ? 1 : -1))
            default: values.append(Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &random)))
            }
        }
        return values + [0, -0.0, .infinity, -.infinity, .nan, 1e15, 1e14, 999_999_999_999_999, 123_456_789_012_345.6, 1e-4, 1e-5, 0.0001234, 1e100,
                         .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 0.1, 1.0 / 3, 100, 1e21, 9_007_199_254_740_992]
    }

    @Test func pointsPrintTheirCoordinatesAsTheServerDoes() async throws {
        let doubles = Self.randomDoubles()
        let points = zip(doubles, doubles.reversed()).map { PGPoint(x: $0, y: $1) }
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(points, as: "point")
            differences += try await differential.reading(points.map(\.description) + ["(1.50, 2.0)", "1,2", "(-0,nan)"], as: "point", into: PGPoint.self)
            #expect(differences.isEmpty, "\(differences.count) of \(points.count): \(differences.prefix(10))")
            let back = try #require(try await conn.query("SELECT \(points)::point[]").scalar([PGPoint].self))
            #expect(back.map(\.description) == points.map(\.description))
        }
    }

    /// Values whose shortest Swift digits lie exactly halfway to a neighbour, which
    /// PostgreSQL's Ryu does not accept as reading back (it prints more digits).
    @Test func floatsHalfwayToANeighbourPrintAsPostgreSQLDoes() async throws {
        func digits(_ text: String) -> String {
            let mantissa = text.split(separator: "e")[0].replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "-", with: "")
            var trimmed = Substring(mantissa)
            while trimmed.hasPrefix("0") && trimmed.count > 1 { trimmed = trimmed.dropFirst() }
            while trimmed.hasSuffix("0") && trimmed.count > 1 { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
        var random = SeededGenerator(seed: 11)
        var doubles: [Double] = []
        var floats: [Float] = []
        // Short decimals times a power of ten that land exactly between two doubles round to
        // the even one, whose shortest Swift digits are then that decimal (1e23 is one).
        for _ in 0..<100_000 where doubles.count < 200 {
            let double = Double("\(Int.random(in: 1...99_999, using: &random))e\(Int.random(in: 16...30, using: &random))")!
            if digits(PGPoint(x: double, y: 0).description.dropFirst().split(separator: ",")[0].description) != digits(double.description) {
                doubles.append(double)
            }
        }
        for _ in 0..<100_000 where floats.count < 200 {
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0x7FFF_FFFF)
            if float.isFinite, float != 0, digits(String(try PGVector([float]).description.dropFirst().dropLast())) != digits(float.description) {
                floats.append(float)
            }
        }
        #expect(doubles.count >= 100, "found \(doubles.count) doubles whose Swift digits are a midpoint")
        #expect(floats.count >= 100, "found \(floats.count) floats whose Swift digits are a midpoint")
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending((doubles + [1e23, 1e23.nextUp, 1e23.nextDown]).map { PGPoint(x: $0, y: -$0) }, as: "point")
            differences += try await differential.sending(try floats.map { try PGVector([$0, -$0]) }, as: "vector")
            #expect(differences.isEmpty, "\(differences.count) of \(doubles.count + floats.count): \(differences.prefix(10))")
        }
    }

    @Test func objectIdentifiersReadFromOidAndRegTypes() async throws {
        var random = SeededGenerator(seed: 42)
        let oids = (0..<Self.randomCount).map { _ in PGOID(UInt32.random(in: 0 ... .max, using: &random)) } + [0, 1, PGOID(UInt32.max)]
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(oids, as: "oid")
            differences += try await differential.reading(oids.map(\.description), as: "oid", into: PGOID.self)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
            let row = try #require(try await conn.query("SELECT 'pg_class'::regclass, 'pg_class'::regclass::oid, 'int4'::regtype, 'pg_catalog'::regnamespace, 'now'::regproc").first)
            #expect(try row.decode(PGOID.self, at: 0) == 1259)
            #expect(try row.decode(UInt32.self, at: 0) == 1259)
            #expect(try row.decode(Int64.self, at: 1) == 1259)
            #expect(try row.decode(PGOID.self, at: 2) == 23)
            #expect(try row.decode(UInt32.self, at: 3) == 11)
            #expect(try row.decode(PGOID.self, at: 4).rawValue > 0)
            #expect(try await conn.query("SELECT \(PGOID(1259))::regclass::text").scalar(String.self) == "pg_class")
            #expect(try await conn.query("SELECT ARRAY['pg_class'::regclass, 'pg_type'::regclass]").scalar([PGOID].self) == [1259, 1247])
            try await differential.expectDecodingFails("SELECT 1::int4", as: PGOID.self)
            try await differential.expectDecodingFails("SELECT 4294967295::oid", as: Int32.self)
        }
    }

    @Test func charHoldsEveryByteAndPrintsAsPostgreSQL15() async throws {
        let chars = (0...255).map { PGChar(byte: UInt8($0)) }
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(chars, as: "\"char\"")
            differences += try await differential.reading(chars.map(\.description), as: "\"char\"", into: PGChar.self)
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
            // A byte of a UTF-8 character is not a character: String reads it as the server prints it.
            let row = try #require(try await conn.query("SELECT 'é'::\"char\", 'r'::\"char\", ''::\"char\", relkind FROM pg_class WHERE relname = 'pg_class'").first)
            #expect(try row.decode(String.self, at: 0) == "\\303")
            #expect(try row.decode(PGChar.self, at: 0) == PGChar(byte: 0xC3))
            #expect(try row.decode(String.self, at: 1) == "r")
            #expect(try row.decode(String.self, at: 2) == "")
            #expect(try row.decode(PGChar.self, at: 3) == PGChar("r"))
            #expect(try await conn.query("SELECT \(chars)::\"char\"[]").scalar([PGChar].self) == chars)
            try await differential.expectDecodingFails("SELECT 'ab'::char(2)", as: PGChar.self)
        }
        #expect(PGChar("é") == nil)
    }

    static func randomXML() -> [String] {
        var random = SeededGenerator(seed: 42)
        let texts = ["x", "Grüße", "日本語", "🚀", "&amp;", "&lt;&gt;", "&#233;", " spaced  out ", "a\nb", "\"q\"", "'"]
        func element(_ depth: Int) -> String {
            let name = ["a", "b", "item", "ns:x", "データ"].randomElement(using: &random)!
            var attributes = ""
            if Bool.random(using: &random) { attributes = " id=\"\(Int.random(in: 0...99, using: &random))\" k='v&amp;'" }
            guard depth < 3, Bool.random(using: &random) else {
                return Bool.random(using: &random) ? "<\(name)\(attributes)/>" : "<\(name)\(attributes)>\(texts.randomElement(using: &random)!)</\(name)>"
            }
            let children = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                switch Int.random(in: 0..<5, using: &random) {
                case 0: return "<!-- c -->"
                case 1: return "<![CDATA[<raw> & ]]>"
                case 2: return texts.randomElement(using: &random)!
                default: return element(depth + 1)
                }
            }.joined()
            return "<\(name)\(attributes)>\(children)</\(name)>"
        }
        return (0..<randomCount).map { index in index % 5 == 0 ? texts.randomElement(using: &random)! + element(0) : element(0) }
    }

    @Test func xmlIsKeptAsItsText() async throws {
        let values = try Self.randomXML().map { try PGXML($0) }
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.sending(values, as: "xml")
            differences += try await differential.sending(values, as: "xml", printed: { "(\($0))::text" })
            differences += try await differential.reading(values.map(\.text), as: "xml", into: PGXML.self, parse: { try PGXML($0) })
            #expect(differences.isEmpty, "\(differences.count): \(differences.prefix(10))")
            // The server's output (binary and text) leaves out a declaration that only says
            // version 1.0; the stored text, and ::text, keep it.
            let declared = try PGXML("<?xml version=\"1.0\"?>\n<a/>")
            let row = try #require(try await conn.query("SELECT \(declared), \(declared)::text, format('%s', \(declared))").first)
            #expect(try row.decode(PGXML.self, at: 0).text == "<a/>")
            #expect(try row.decode(String.self, at: 1) == declared.text)
            #expect(try row.decode(String.self, at: 2) == "<a/>")
            #expect(try await conn.query("SELECT \(try PGXML("<?xml version=\"1.1\" encoding=\"UTF-8\"?><b/>"))").scalar(String.self) == "<?xml version=\"1.1\"?><b/>")
            // Ill-formed XML is the server's error.
            await #expect(throws: PGError.self) { _ = try await conn.query("SELECT \(try PGXML("<a>"))") }
            #expect(try await conn.query("SELECT \(values.prefix(5).map { $0 })::xml[]").scalar([PGXML].self) == Array(values.prefix(5)))
            try await differential.expectDecodingFails("SELECT '<a/>'::text", as: PGXML.self)
        }
        expectInvalidParameter("Latin-1 declaration") { try PGXML("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>") }
        expectInvalidParameter("NUL") { try PGXML("<a>\0</a>") }
        #expect(try PGXML("<?xml version='1.0' encoding='utf-8'?><a/>").text.hasSuffix("<a/>"))
    }

    @Test func wrongColumnTypesAreTypedErrors() async throws {
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            try await differential.expectDecodingFails("SELECT 1::int8", as: PGMoney.self)
            try await differential.expectDecodingFails("SELECT '12.34'::money", as: Int64.self)
            try await differential.expectDecodingFails("SELECT '(1,2)'::point", as: String.self)
            try await differential.expectDecodingFails("SELECT '1'::float8", as: PGPoint.self)
            try await differential.expectDecodingFails("SELECT '<a/>'::xml", as: PGMoney.self)
        }
    }
}
