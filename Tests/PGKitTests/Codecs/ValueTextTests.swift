import Foundation
@testable import PGKit
import Testing

/// The text forms and parsers behind the new value types, without a server (the integration
/// tests compare the same code with the server's own output).
@Suite struct ValueTextTests {
    @Test func floatsPrintAsPostgreSQLPrintsThem() {
        let doubles: [(Double, String)] = [
            (1, "1"), (-1.5, "-1.5"), (0.1, "0.1"), (1e15, "1e+15"), (1e14, "100000000000000"), (123_456_789_012_345.6, "123456789012345.6"),
            (1e-4, "0.0001"), (1e-5, "1e-05"), (1.5e-7, "1.5e-07"), (1e100, "1e+100"), (.leastNonzeroMagnitude, "5e-324"), (-0.0, "-0"), (0, "0"),
            (.infinity, "Infinity"), (-.infinity, "-Infinity"), (.nan, "NaN"), (.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        ]
        for (value, text) in doubles { #expect(PGFloatText.float8(value) == text, "\(value)") }
        let floats: [(Float, String)] = [
            (1, "1"), (1e6, "1e+06"), (123_456, "123456"), (1_234_567, "1.234567e+06"), (0.1, "0.1"), (1e-5, "1e-05"),
            (118_685_296, "1.18685296e+08"), (Float(Float16(0.1)), "0.099975586"), (65504, "65504"), (-0.0, "-0"),
        ]
        for (value, text) in floats { #expect(PGFloatText.float4(value) == text, "\(value)") }
    }

    @Test func midpointsAreFoundExactly() {
        // 118685300 lies halfway between the floats 118685296 and 118685304.
        #expect(PGFloatText.isMidpoint(PGFloatText.DecimalDigits(significand: 1_186_853, exponent: 2), of: Float(118_685_296)))
        #expect(!PGFloatText.isMidpoint(PGFloatText.DecimalDigits(significand: 1_186_853, exponent: 2), of: Float(118_685_304) * 2))
        #expect(!PGFloatText.isMidpoint(PGFloatText.DecimalDigits(significand: 1, exponent: -1), of: 0.1))
    }

    @Test func inetTextFollowsInetNetNtop() throws {
        let cases = [
            ("::", "::"), ("::1", "::1"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"), ("1:0:0:0:1:0:0:1", "1::1:0:0:1"), ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::1.2.3.4", "::1.2.3.4"), ("0:0:0:0:0:1:0:0", "::1:0:0"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"),
            ("10.0.0.1/32", "10.0.0.1"), ("10.1.2.3/8", "10.1.2.3/8"), ("fe80::1/64", "fe80::1/64"), ("FE80::ABCD", "fe80::abcd"),
        ]
        for (input, output) in cases { #expect(try PGInet(input).description == output, "\(input)") }
        #expect(try PGCIDR("10.0.0.1").description == "10.0.0.1/32")
        #expect(try PGInet("192.168.7.9/20").cidr.description == "192.168.0.0/20")
        #expect(try PGInet("2001:db8::ff/0").cidr.description == "::/0")
    }

    @Test func textSearchParsingFollowsThePostgreSQLParser() throws {
        #expect(try PGTSVector("b a:2,1 a:3B a").description == "'a':1,2,3B 'b'")
        #expect(try PGTSVector("'a''b':1*").description == "'a''b':1A")
        #expect(try PGTSVector("x:1A2").description == "'x':1A")  // the server skips digits after a weight
        #expect(try PGTSVector("'a'b").description == "'a' 'b'")
        #expect(try PGTSVector("  ").lexemes.isEmpty)
        #expect(try PGTSQuery("a & b | c & d").description == "'a' & 'b' | 'c' & 'd'")
        #expect(try PGTSQuery("(a | b) <-> c").description == "( 'a' | 'b' ) <-> 'c'")
        #expect(try PGTSQuery("a <-> (b <-> c)").description == "'a' <-> ( 'b' <-> 'c' )")
        #expect(try PGTSQuery("!a <-> b").description == "!'a' <-> 'b'")
        #expect(try PGTSQuery("a:b*A").description == "'a':*AB")
        #expect(try PGTSQuery("a<0>b").description == "'a' <0> 'b'")
        #expect(try PGTSQuery("").isEmpty)
    }

    @Test func rangeBoundsAreQuotedAsRangeOutQuotesThem() throws {
        #expect(try PGRange(Date(timeIntervalSince1970: 0)...).description == "[\"1970-01-01 00:00:00+00\",)")
        #expect(try PGRange(lower: Int32(-5), upper: 5).description == "[-5,5)")
        #expect(TimestampText.utc(microsecondsSince2000: 0) == "2000-01-01 00:00:00+00")
        #expect(TimestampText.utc(microsecondsSince2000: -1) == "1999-12-31 23:59:59.999999+00")
        #expect(TimestampText.utc(microsecondsSince2000: -63_082_281_600_000_000) == "0001-01-01 00:00:00+00")
        #expect(TimestampText.utc(microsecondsSince2000: -63_082_281_600_000_001) == "0001-12-31 23:59:59.999999+00 BC")
    }

    @Test func sparseAndBitValuesKeepTheirShape() throws {
        let sparse = try PGSparseVector(dimensions: 6, elements: [5: 2, 0: 1.5, 3: 0])
        #expect(sparse.indices == [0, 5] && sparse.description == "{1:1.5,6:2}/6")
        #expect(try PGBitString("101").bytes == [0xA0])
        #expect(PGBitString([true, false, true, true, false, false, false, false, true]).description == "101100001")
        #expect(PGChar(byte: 0xE9).description == "\\351" && PGChar(byte: 0).description == "")
        #expect(PGMoney(cents: -5).description == "-0.05" && PGMoney(cents: Int64.min).description == "-92233720368547758.08")
    }
}
