import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// PGKit against an independent reference, the server's own text input and output, for
/// thousands of seeded random values and the edge cases of every type:
/// - sent: PGKit encodes a value, the server prints it (`$1::text`), and that text must be
///   what PGKit says the value is (its own formatting, or a parse of the server's text for
///   floating point and JSON, whose spelling is not unique);
/// - read: the server parses a literal, PGKit decodes it, and PGKit's formatting of what it
///   decoded must be the server's text of that literal.
/// Zero differences allowed.
@Suite struct DifferentialCodecTests {
    static let database = SuiteDatabase("differential")
    static let count = 600

    /// Sends `values` as one array parameter and compares each element's server text.
    func sent<T: PGEncodable>(_ values: [T], as sqlType: String, on conn: PGConnection,
                              matches: (T, String) -> Bool) async throws -> [String] {
        var differences: [String] = []
        for chunk in stride(from: 0, to: values.count, by: 500) {
            let part = Array(values[chunk..<min(chunk + 500, values.count)])
            let rows = try await conn.query("SELECT v::text FROM unnest($1::\(sqlType)[]) WITH ORDINALITY AS u(v, n) ORDER BY n", [part])
            #expect(rows.count == part.count)
            for (value, row) in zip(part, rows) {
                let text = try row.decode(String.self, at: 0)
                if !matches(value, text) { differences.append("sent \(value) as \(sqlType), server printed \(text)") }
            }
        }
        return differences
    }

    /// Has the server parse `literals`, decodes the values, and compares PGKit's text of each
    /// with the server's.
    func read<T: PGDecodable>(_ literals: [String], as sqlType: String, into type: T.Type, on conn: PGConnection,
                              matches: (T, String) -> Bool) async throws -> [String] {
        var differences: [String] = []
        for chunk in stride(from: 0, to: literals.count, by: 500) {
            let part = Array(literals[chunk..<min(chunk + 500, literals.count)])
            let rows = try await conn.query("SELECT v::\(sqlType), v::\(sqlType)::text FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n", [part])
            for (literal, row) in zip(part, rows) {
                let value = try row.decode(T.self, at: 0)
                let text = try row.decode(String.self, at: 1)
                if !matches(value, text) { differences.append("read \(literal) as \(sqlType): PGKit has \(value), the server \(text)") }
            }
        }
        return differences
    }

    func both<T: PGCodable & CustomStringConvertible>(_ values: [T], as sqlType: String, on conn: PGConnection) async throws -> [String] {
        let exact: (T, String) -> Bool = { $0.description == $1 }
        return try await sent(values, as: sqlType, on: conn, matches: exact)
            + read(values.map(\.description), as: sqlType, into: T.self, on: conn, matches: exact)
    }

    @Test func integersAndBooleans() async throws {
        var random = SeededGenerator(seed: 42)
        try await Self.database.withConnection { conn throws in
            var differences: [String] = []
            let int8 = [Int64.min, -1, 0, 1, .max] + (0..<Self.count).map { _ in Int64(bitPattern: random.next()) }
            differences += try await both(int8, as: "int8", on: conn)
            let int4 = [Int32.min, 0, .max] + (0..<Self.count).map { _ in Int32(truncatingIfNeeded: random.next()) }
            differences += try await both(int4, as: "int4", on: conn)
            let int2 = [Int16.min, 0, .max] + (0..<Self.count).map { _ in Int16(truncatingIfNeeded: random.next()) }
            differences += try await both(int2, as: "int2", on: conn)
            differences += try await both([true, false], as: "bool", on: conn)
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func floatingPointToTheBit() async throws {
        var random = SeededGenerator(seed: 43)
        let doubleEdges: [Double] = [0, -0.0, 1, -1, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                                     -.greatestFiniteMagnitude, .infinity, -.infinity, 0.1, 1e100, 1e-10, Double(bitPattern: 1), 9_007_199_254_740_992]
        let doubles = doubleEdges + (0..<Self.count).map { _ -> Double in
            let value = Double(bitPattern: random.next())
            return value.isNaN ? 1.5 : value
        }
        let floatEdges: [Float] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity, 0.1, 3.4e38]
        let floats = floatEdges + (0..<Self.count).map { _ -> Float in
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            return value.isNaN ? 2.5 : value
        }
        func server(_ text: String) -> Double? {
            switch text { case "Infinity": return .infinity; case "-Infinity": return -.infinity; case "NaN": return .nan; default: return Double(text) }
        }
        try await Self.database.withConnection { conn throws in
            var differences = try await sent(doubles, as: "float8", on: conn) { value, text in server(text)?.bitPattern == value.bitPattern }
            differences += try await read(doubles.map { $0.isInfinite ? ($0 < 0 ? "-Infinity" : "Infinity") : "\($0)" }, as: "float8", into: Double.self, on: conn) { value, text in
                server(text)?.bitPattern == value.bitPattern
            }
            differences += try await sent(floats, as: "float4", on: conn) { value, text in server(text).map { Float($0) }?.bitPattern == value.bitPattern }
            differences += try await sent([Double.nan], as: "float8", on: conn) { _, text in text == "NaN" }
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func numericOfEveryShape() async throws {
        var random = SeededGenerator(seed: 44)
        var literals = ["0", "0.000", "-0.5", "1.50", "NaN", "Infinity", "-Infinity", "1e-16383", String(repeating: "7", count: 1000),
                        "0." + String(repeating: "0", count: 200) + "1", "9999.9999", "10000", "0.0001", "12345678901234567890.123456789"]
        for _ in 0..<Self.count {
            let integerDigits = Int(random.next() % 60)
            let fractionDigits = Int(random.next() % 40)
            var text = random.next() % 2 == 0 ? "-" : ""
            text += integerDigits == 0 ? "0" : (1...integerDigits).map { index in String(index == 1 ? random.next() % 9 + 1 : random.next() % 10) }.joined()
            if fractionDigits > 0 { text += "." + (0..<fractionDigits).map { _ in String(random.next() % 10) }.joined() }
            literals.append(text)
        }
        let values = try literals.map { try PGNumeric(parsing: $0) }
        try await Self.database.withConnection { conn throws in
            let differences = try await both(values, as: "numeric", on: conn)
            #expect(differences.isEmpty, "\(differences.prefix(10))")
            // Decimal: exact within its 38 digits, refused beyond (never rounded).
            for value in values where value.isFinite {
                let row = try #require(try await conn.query("SELECT \(value)::numeric").first)
                do {
                    let decimal = try row.decode(Decimal.self, at: 0)
                    #expect(PGNumeric(decimal) == value, "\(value) read as Decimal \(decimal)")
                } catch let error as PGError {
                    #expect(error.kind == .decodingFailed)
                    #expect(value.description.filter(\.isNumber).drop(while: { $0 == "0" }).count > 38 || value.description.count > 40, "\(value): \(error)")
                }
            }
        }
    }

    @Test func textUUIDsAndBytes() async throws {
        var random = SeededGenerator(seed: 45)
        let alphabet = Array("ab zAZ09'\"\\{},\t\n\r€日本😀é\u{7F}\u{1B}\u{200D}\u{FFFD}") + [Character("\u{1}")]
        let strings = ["", "NULL", "null", " "] + (0..<Self.count).map { _ in
            String((0..<Int(random.next() % 30)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        let uuids = (0..<Self.count).map { _ in UUID(uuid: withUnsafeBytes(of: (random.next(), random.next())) { raw in
            raw.load(as: uuid_t.self)
        }) }
        let blobs = [Data(), Data([0]), Data([0xFF])] + (0..<Self.count).map { _ in Data((0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }) }
        try await Self.database.withConnection { conn throws in
            var differences = try await sent(strings, as: "text", on: conn) { $0 == $1 }
            differences += try await read(strings, as: "text", into: String.self, on: conn) { $0 == $1 }
            differences += try await sent(uuids, as: "uuid", on: conn) { $0.uuidString.lowercased() == $1 }
            differences += try await read(uuids.map(\.uuidString), as: "uuid", into: UUID.self, on: conn) { $0.uuidString.lowercased() == $1 }
            let hex: (Data) -> String = { "\\x" + $0.map { String(format: "%02x", $0) }.joined() }
            differences += try await sent(blobs, as: "bytea", on: conn) { hex($0) == $1 }
            differences += try await read(blobs.map(hex), as: "bytea", into: Data.self, on: conn) { hex($0) == $1 }
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func datesTimesAndIntervals() async throws {
        var random = SeededGenerator(seed: 46)
        let timestamps = [PGTimestamp.infinity, .negativeInfinity, PGTimestamp(microsecondsSince2000: 0),
                          PGTimestamp(microsecondsSince2000: -211_813_488_000_000_000), PGTimestamp(microsecondsSince2000: 9_223_371_331_199_999_999),
                          PGTimestamp(microsecondsSince2000: -63_113_904_000_000_001)]
            + (0..<Self.count).map { _ in
                PGTimestamp(microsecondsSince2000: Int64.random(in: -211_813_488_000_000_000..<9_223_371_331_200_000_000, using: &random))
            }
        let dates = [PGDate.infinity, .negativeInfinity, PGDate(daysSince2000: 0), PGDate(daysSince2000: -2_451_545), PGDate(daysSince2000: 2_145_031_948)]
            + (0..<Self.count).map { _ in PGDate(daysSince2000: Int32.random(in: -2_451_545...2_145_031_948, using: &random)) }
        let times = try [PGTime(microsecondsSinceMidnight: 0), PGTime(microsecondsSinceMidnight: 86_400_000_000)]
            + (0..<Self.count).map { _ in try PGTime(microsecondsSinceMidnight: Int64(random.next() % 86_400_000_001)) }
        let timetzs = try (0..<Self.count).map { _ in
            try PGTimeTZ(try PGTime(microsecondsSinceMidnight: Int64(random.next() % 86_400_000_000)),
                         utcOffsetSeconds: Int(Int64(random.next() % 115_199) - 57_599))
        }
        let intervals = [PGInterval(), PGInterval(months: -14, days: 3, microseconds: -3_723_000_001), PGInterval(months: 1, days: -1, microseconds: 1),
                         PGInterval(months: .max, days: .min, microseconds: .max), PGInterval(microseconds: .min + 1)]
            + (0..<Self.count).map { _ in
                PGInterval(months: Int32(truncatingIfNeeded: random.next() % 20_000) - 10_000, days: Int32(truncatingIfNeeded: random.next() % 2000) - 1000,
                           microseconds: Int64(bitPattern: random.next()) / 1024)
            }
        try await Self.database.withConnection { conn throws in
            var differences = try await both(timestamps, as: "timestamp", on: conn)
            differences += try await both(dates, as: "date", on: conn)
            differences += try await both(times, as: "time", on: conn)
            differences += try await both(timetzs, as: "timetz", on: conn)
            differences += try await both(intervals, as: "interval", on: conn)
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func datesAsInstants() async throws {
        var random = SeededGenerator(seed: 47)
        // Every year PostgreSQL accepts for sending; for reading, the years where a Date still
        // tells neighbouring microseconds apart (1865 to 2136).
        let sentDates = [Date.distantFuture, .distantPast, Date(timeIntervalSince1970: 0)]
            + (0..<Self.count).map { _ in Date(timeIntervalSinceReferenceDate: Double.random(in: -2.1e11...9.22e12, using: &random)) }
        let readDates = (0..<Self.count).map { _ in
            PGTimestamp(microsecondsSince2000: Int64.random(in: -4_000_000_000_000_000...4_000_000_000_000_000, using: &random))
        }
        let text: (Date) -> String = { date in (try? PGTimestamp(date))?.description ?? "?" }
        try await Self.database.withConnection { conn throws in
            var differences = try await sent(sentDates, as: "timestamptz", on: conn) { date, server in
                guard let stamp = try? PGTimestamp(date) else { return false }
                return stamp.isInfinite ? stamp.description == server : server == stamp.description + "+00" || server == stamp.description.replacingOccurrences(of: " BC", with: "+00 BC")
            }
            differences += try await read(readDates.map { $0.description + "+00" }, as: "timestamptz", into: Date.self, on: conn) { date, server in
                server == text(date) + "+00"
            }
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func jsonDocuments() async throws {
        var random = SeededGenerator(seed: 48)
        func document(_ depth: Int) -> PGJSONValue {
            switch random.next() % (depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2:
                let digits = (0..<Int(random.next() % 30 + 1)).map { _ in String(random.next() % 10) }.joined()
                let text = (random.next() % 2 == 0 ? "-" : "") + (digits.hasPrefix("0") ? "1" + digits : digits) + (random.next() % 3 == 0 ? ".5e-7" : "")
                return .number(PGJSONNumber(json: text)!)
            case 3:
                let characters = Array("aé\"\\\n\t😀/<>\u{1}")
                return .string(String((0..<Int(random.next() % 8)).map { _ in characters[Int(random.next() % UInt64(characters.count))] }))
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in document(depth + 1) })
            default:
                return .object(Dictionary((0..<Int(random.next() % 4)).map { _ in ("k\(random.next() % 5)", document(depth + 1)) }, uniquingKeysWith: { _, last in last }))
            }
        }
        let documents: [PGJSONValue] = [["n": 12345678901234567890], [1e-300, 5e300], ["": .string("")], .string("\u{7F}")] + (0..<Self.count).map { _ in document(0) }
        try await Self.database.withConnection { conn throws in
            var differences = try await sent(documents, as: "jsonb", on: conn) { value, text in (try? PGJSONValue(parsing: text)) == value }
            differences += try await read(documents.map { try! $0.jsonText() }, as: "jsonb", into: PGJSONValue.self, on: conn) { value, text in
                (try? PGJSONValue(parsing: text)) == value
            }
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func arraysAndVectors() async throws {
        var random = SeededGenerator(seed: 49)
        try await Self.database.withConnection { conn throws in
            var differences: [String] = []
            for _ in 0..<200 {
                let rows = Int(random.next() % 4 + 1), columns = Int(random.next() % 4 + 1)
                let matrix = (0..<rows).map { _ in (0..<columns).map { _ in Int32(truncatingIfNeeded: random.next()) } }
                let text = "{" + matrix.map { "{" + $0.map(String.init).joined(separator: ",") + "}" }.joined(separator: ",") + "}"
                let printed = try await conn.query("SELECT \(matrix)::text").scalar(String.self)
                if printed != text { differences.append("sent \(matrix), server printed \(printed ?? "")") }
                let back = try await conn.query("SELECT \(text)::int4[]").scalar([[Int32]].self)
                if back != matrix { differences.append("read \(text) as \(String(describing: back))") }
                let strings: [String?] = (0..<Int(random.next() % 5)).map { _ in random.next() % 4 == 0 ? nil : ["", "NULL", "a b", "q\"u", "b\\s", "{x}", "é"][Int(random.next() % 7)] }
                let stringsBack = try await conn.query("SELECT (\(strings)::text)::text[]").scalar([String?].self)
                if stringsBack != strings { differences.append("text[] \(strings) came back as \(String(describing: stringsBack))") }
                let floats = (0..<Int(random.next() % 20 + 1)).map { _ in random.nextSignedUnitFloat() * 1000 }
                let vector = try PGVector(floats)
                let vectorText = try await conn.query("SELECT \(vector)::text").scalar(String.self) ?? ""
                let parsed = vectorText.dropFirst().dropLast().split(separator: ",").map { Float(String($0)) }
                if parsed.map({ $0?.bitPattern }) != floats.map(\.bitPattern) { differences.append("vector \(floats) printed \(vectorText)") }
                let vectorBack = try await conn.query("SELECT \(vectorText)::vector").scalar(PGVector.self)
                if vectorBack?.values.map(\.bitPattern) != floats.map(\.bitPattern) { differences.append("vector \(vectorText) read back as \(String(describing: vectorBack))") }
            }
            #expect(differences.isEmpty, "\(differences.prefix(10))")
        }
    }
}

extension SeededGenerator {
    mutating func nextSignedUnitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
