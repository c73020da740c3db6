@testable import PGKit
import Testing

/// PGKit validates text from the server itself (the standard library's generic validator cost
/// more than the check); it must agree with the standard library on every input.
@Suite struct UTF8ValidationTests {
    func agreesWithStandardLibrary(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            let ours = UTF8Validation.string(raw)
            let standard = String(validating: bytes, as: UTF8.self)
            return ours == standard && (ours == nil) == !UTF8Validation.isWellFormed(raw)
        }
    }

    @Test func acceptsWellFormedTextOfEveryLength() {
        for text in ["", "a", "hello, world", String(repeating: "x", count: 200), "héllo", "日本語のテキスト", "🦊 emoji 👩‍💻",
                     "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}", "\u{D7FF}\u{E000}"] {
            #expect(Array(text.utf8).withUnsafeBytes { UTF8Validation.string($0) } == text)
            #expect(agreesWithStandardLibrary(Array(text.utf8)))
        }
    }

    @Test func rejectsOverlongSurrogateTruncatedAndOutOfRangeSequences() {
        let malformed: [[UInt8]] = [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],                                                        // surrogates
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF],                                     // past U+10FFFF
            [0xE2, 0x82], [0xF0, 0x9F, 0xA6], [0x80], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0xC3],    // truncated, stray
        ]
        for bytes in malformed {
            #expect(bytes.withUnsafeBytes { UTF8Validation.string($0) } == nil, "\(bytes)")
            #expect(agreesWithStandardLibrary(bytes), "\(bytes)")
        }
    }

    @Test func aNonASCIIByteAnywhereInALongASCIIRunIsSeen() {
        // The ASCII fast paths read 32 and 8 bytes at a time: a byte past them, inside them or
        // at their edges must reach the full check.
        for length in 1...100 {
            for position in 0..<length {
                for byte: [UInt8] in [[0x80], [0xFF], [0xC3, 0xA9], [0xE2, 0x82]] {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    bytes.replaceSubrange(position..<min(length, position + 1), with: byte)
                    #expect(agreesWithStandardLibrary(bytes), "length \(length), \(byte) at \(position)")
                }
            }
        }
    }

    @Test func agreesWithStandardLibraryOnRandomAndMutatedBytes() {
        var generator = DecoderFuzzTests.Generator(state: 0x5EED_0F_0_7E87)
        let seeds = Array("mixed ASCII, ü, 日本, 🦊 and more ASCII after it".utf8)
        for _ in 0..<20_000 {
            var bytes: [UInt8]
            if Bool.random(using: &generator) {
                bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = seeds
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0x80...0xFF, using: &generator)
                }
            }
            #expect(agreesWithStandardLibrary(bytes), "\(bytes)")
        }
    }
}
