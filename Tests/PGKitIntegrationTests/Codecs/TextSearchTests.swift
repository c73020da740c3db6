import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// `tsvector` and `tsquery` against the server's own parser and output, both ways: PGKit's
/// text parser must read every literal as the server's `::tsvector` / `::tsquery` input does,
/// what PGKit sends in binary must print as its `description`, and what the server sends must
/// read back as the server prints it.
@Suite struct TextSearchTests {
    static let database = SuiteDatabase("text_search")
    static let randomCount = 2_000

    static let alphabet: [String] = ["a", "b", "z", "Q", "7", "é", "日本", "ß", "🚀", "'", "\\", " ", ":", ",", "&", "|", "!", "(", ")", "<", "-", "*", "\t"]
    static let bareAlphabet: [String] = ["a", "b", "z", "Q", "7", "é", "日本", "ß", "🚀", "-", "_", ".", "*"]

    static func word(_ random: inout SeededGenerator, from letters: [String]) -> String {
        (0..<Int.random(in: 1...6, using: &random)).map { _ in letters.randomElement(using: &random)! }.joined()
    }

    /// Text in `tsvector` syntax with every spelling the parser accepts: bare, escaped and
    /// quoted words, positions with weights in either case (and `*` for A), repeated lexemes
    /// and positions, any ASCII whitespace between.
    static func tsvectorLiterals() -> [String] {
        var random = SeededGenerator(seed: 42)
        return (0..<randomCount).map { _ in
            (0..<Int.random(in: 0...6, using: &random)).map { _ -> String in
                var text: String
                switch Int.random(in: 0..<3, using: &random) {
                case 0: text = word(&random, from: bareAlphabet)
                case 1: text = word(&random, from: bareAlphabet) + "\\" + ["'", " ", ":", "\\"].randomElement(using: &random)!
                default:
                    text = "'" + word(&random, from: alphabet).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
                }
                if Bool.random(using: &random) {
                    text += ":" + (0..<Int.random(in: 1...4, using: &random)).map { _ in
                        String(Int.random(in: 1...(Bool.random(using: &random) ? 20 : 16_383), using: &random))
                            + ["", "A", "b", "C", "d", "*"].randomElement(using: &random)!
                    }.joined(separator: ",")
                }
                return text
            }.joined(separator: [" ", "  ", "\t", "\n "].randomElement(using: &random)!)
        } + ["", " ", "a", "a:1 a:2 a", "a:1A,1B,1C", "b a c a", "'it''s' a\\ b", "'\\\\'", "a:1A2", "a:16383", "x:3,2,1,2"]
    }

    static func tsqueryLiterals() -> [String] {
        var random = SeededGenerator(seed: 43)
        func operand() -> String {
            var text = Bool.random(using: &random)
                ? word(&random, from: bareAlphabet.filter { $0 != "*" })
                : "'" + word(&random, from: alphabet).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
            if Int.random(in: 0..<3, using: &random) == 0 {
                text += ":" + (0..<Int.random(in: 0...3, using: &random)).map { _ in ["A", "b", "C", "d", "*"].randomElement(using: &random)! }.joined()
            }
            return text
        }
        func expression(_ depth: Int) -> String {
            guard depth < 5, Int.random(in: 0..<3, using: &random) != 0 else { return operand() }
            let space = [" ", "", "  "].randomElement(using: &random)!
            switch Int.random(in: 0..<5, using: &random) {
            case 0: return "!" + space + expression(depth + 1)
            case 1: return "(" + space + expression(depth + 1) + space + ")"
            default:
                let op = ["&", "|", "<->", "<2>", "<0>", "<16384>"].randomElement(using: &random)!
                return expression(depth + 1) + space + op + space + expression(depth + 1)
            }
        }
        return (0..<randomCount).map { _ in expression(0) }
            + ["a & b & c", "a & (b & c)", "(a & b) & c", "a <-> b <-> c", "a <-> (b <-> c)", "!!a", "!(a & b)", "!a <-> b", "a | b & c",
               "(a | b) & c", "a:*", "a:AB*", "a:", "'a b':C", "a <1> b", "'''' & ''''", "a&b|c<->d", "x & !y | !(z <3> w)"]
    }

    @Test func tsvectorParsedSentAndReadAsTheServerDoes() async throws {
        let literals = Self.tsvectorLiterals()
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.reading(literals, as: "tsvector", into: PGTSVector.self, parse: { try PGTSVector($0) })
            differences += try await differential.sending(try literals.map { try PGTSVector($0) }, as: "tsvector")
            #expect(differences.isEmpty, "\(differences.count) of \(literals.count): \(differences.prefix(10))")
            let text = try await conn.query("SELECT 'b:2 a:1A'::tsvector").scalar(String.self)
            #expect(text == "'a':1A 'b':2")
        }
    }

    @Test func tsqueryParsedSentAndReadAsTheServerDoes() async throws {
        let literals = Self.tsqueryLiterals()
        try await Self.database.withConnection { conn throws in
            let differential = ServerTextDifferential(conn: conn)
            var differences = try await differential.reading(literals, as: "tsquery", into: PGTSQuery.self, parse: { try PGTSQuery($0) })
            differences += try await differential.sending(try literals.map { try PGTSQuery($0) }, as: "tsquery")
            #expect(differences.isEmpty, "\(differences.count) of \(literals.count): \(differences.prefix(10))")
            #expect(try await conn.query("SELECT 'a & (b | c)'::tsquery").scalar(String.self) == "'a' & ( 'b' | 'c' )")
            // Searching with what PGKit sends finds what the server's own literal finds.
            let matches = try await conn.query("SELECT \(try PGTSVector("fat:2 cat:3 rat:5A")) @@ \(try PGTSQuery("cat & !dog & rat:A"))").scalar(Bool.self)
            #expect(matches == true)
        }
    }

    /// What PGKit refuses, the server refuses or would silently change.
    @Test func valuesTheServerWouldRefuseOrCutAreRefusedBeforeSending() async throws {
        expectInvalidParameter("position 0") { try PGTSVector("a:0") }
        expectInvalidParameter("position 16384 (the server caps it to 16383)") { try PGTSVector("a:16384") }
        expectInvalidParameter("257 positions (the server keeps 256)") { try PGTSVector("a:" + (1...257).map(String.init).joined(separator: ",")) }
        expectInvalidParameter("2047-byte lexeme") { try PGTSVector(String(repeating: "x", count: 2047)) }
        expectInvalidParameter("empty quoted lexeme") { try PGTSVector("''") }
        expectInvalidParameter("unterminated quote") { try PGTSVector("'abc") }
        expectInvalidParameter("unquoted non-ASCII space") { try PGTSVector("a\u{3000}b") }
        expectInvalidParameter("dangling backslash") { try PGTSVector("a\\") }
        expectInvalidParameter("empty lexeme") { try PGTSVector(lexemes: [.init("")]) }
        expectInvalidParameter("NUL") { try PGTSVector(lexemes: [.init("a\0b")]) }
        for text in ["a &", "& a", "a b", "(a", "a)", "!", "a <-> ", "a <16385> b", ":a", "a:x", "a & ()"] {
            expectInvalidParameter("tsquery \"\(text)\"") { try PGTSQuery(text) }
        }
        expectInvalidParameter("2047-byte operand") { try PGTSQuery(String(repeating: "y", count: 2047)) }
        expectInvalidParameter("empty operands") { try PGTSQuery("'' ''''") }
        expectInvalidParameter("1,001 levels") { try PGTSQuery(Array(repeating: "a", count: 1_002).joined(separator: " & ")) }
        #expect(try PGTSQuery(Array(repeating: "a", count: 1_000).joined(separator: " & ")).description.count > 0)
        try await Self.database.withConnection { conn throws in
            // The text forms the server also refuses.
            for text in ["a:0", "''", "'abc"] {
                await #expect(throws: PGError.self) { _ = try await conn.query("SELECT \(text)::tsvector") }
            }
            // The empty query, both ways.
            let empty = try #require(try await conn.query("SELECT ''::tsquery").scalar(PGTSQuery.self))
            #expect(empty.isEmpty && empty.description == "")
            #expect(try await conn.query("SELECT format('%s', \(try PGTSQuery("  ")))").scalar(String.self) == "")
        }
    }

    @Test func arraysAndWrongColumnTypes() async throws {
        try await Self.database.withConnection { conn throws in
            let vectors = [try PGTSVector("a:1 b"), try PGTSVector("")]
            #expect(try await conn.query("SELECT \(vectors)::tsvector[]").scalar([PGTSVector].self) == vectors)
            let queries = [try PGTSQuery("a & !b"), try PGTSQuery("x <3> y")]
            #expect(try await conn.query("SELECT \(queries)::tsquery[]").scalar([PGTSQuery].self) == queries)
            let differential = ServerTextDifferential(conn: conn)
            try await differential.expectDecodingFails("SELECT 'a'::tsquery", as: PGTSVector.self)
            try await differential.expectDecodingFails("SELECT 'a'::tsvector", as: PGTSQuery.self)
            try await differential.expectDecodingFails("SELECT 'a'::text", as: PGTSVector.self)
            #expect(try await conn.query("SELECT 'a & b'::tsquery").scalar(String.self) == "'a' & 'b'")
        }
    }
}
