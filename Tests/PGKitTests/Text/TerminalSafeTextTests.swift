import PGKit
import Testing

/// Every control character has a visible, printable form; nothing else changes.
@Suite struct TerminalSafeTextTests {
    static let controls: [Unicode.Scalar] = ((0x00...0x1F).map { $0 } + [0x7F] + (0x80...0x9F).map { $0 }).map { Unicode.Scalar($0)! }

    /// Whether any scalar is a C0 or C1 control or DEL.
    func holdsControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    @Test func everyC0C1AndDELCodePointBecomesPrintableText() {
        for scalar in Self.controls {
            let visible = TerminalSafeText.escaping("a" + String(scalar) + "b")
            #expect(!holdsControls(visible), "U+\(String(scalar.value, radix: 16))")
            #expect(visible.hasPrefix("a") && visible.hasSuffix("b") && visible.count > 2)
            #expect(TerminalSafeText.escaping(visible) == visible, "escaping twice changes nothing")
        }
        let forms = Set(Self.controls.map { TerminalSafeText.replacement(for: $0)! })
        #expect(forms.count == Self.controls.count, "no two controls look alike")
    }

    @Test func visibleFormsAreControlPicturesAndHex() {
        #expect(TerminalSafeText.escaping("INJECT\u{1B}[2J\u{1B}[31mRED\u{1B}]0;title\u{07} end\u{1B}[?1049l")
            == "INJECT␛[2J␛[31mRED␛]0;title␇ end␛[?1049l")
        #expect(TerminalSafeText.escaping("\u{1B}]52;c;SGVsbG8=\u{07}") == "␛]52;c;SGVsbG8=␇")
        #expect(TerminalSafeText.escaping("\u{9B}2J\u{7F}\u{0}\r") == "<9B>2J␡␀␍")
        #expect(TerminalSafeText.escaping("line\nnext\tcell") == "line⏎next⇥cell")
        #expect(TerminalSafeText.escaping("\u{202E}txt.exe\u{2066}") == "<U+202E>txt.exe<U+2066>")
    }

    @Test func multiLineKeepsOnlyLineFeedsAndTabs() {
        #expect(TerminalSafeText.escaping("a\nb\tc\r\u{1B}[2K", layout: .multiLine) == "a\nb\tc␍␛[2K")
        for scalar in Self.controls where scalar != "\n" && scalar != "\t" {
            #expect(!holdsControls(TerminalSafeText.escaping(String(scalar), layout: .multiLine)))
        }
    }

    @Test func printableTextIsLeftAlone() {
        for text in ["", "plain ASCII ~!@#$%^&*()", "日本語", "emoji 🚀 👨‍👩‍👧", "e\u{301}", "\u{A0}non-breaking", "tab-free \u{2400} picture"] {
            #expect(TerminalSafeText.escaping(text) == text)
        }
    }

    @Test func replacementsAreOneColumnPerScalar() {
        // Printable ASCII, the control pictures, ⇥ and ⏎: all narrow (East Asian Width N or
        // Na), none combining or invisible, so a width counter can count scalars.
        let narrow: (Unicode.Scalar) -> Bool = { (0x21...0x7E).contains($0.value) || (0x2400...0x2421).contains($0.value) || $0 == "⇥" || $0 == "⏎" }
        for scalar in Self.controls + [Unicode.Scalar(0x202E)!, Unicode.Scalar(0x2069)!] {
            #expect(TerminalSafeText.replacement(for: scalar)!.unicodeScalars.allSatisfy(narrow), "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func errorDescriptionsShowServerControlCharacters() {
        var error = PGError(.server, "boom\u{1B}]0;pwned\u{07}\u{1B}[?1049l")
        error.detail = "line one\nline two\u{9B}2J"
        let text = "\(error)"
        #expect(!holdsControls(text.replacingOccurrences(of: "\n", with: "")))
        #expect(text.contains("boom␛]0;pwned␇␛[?1049l"))
        #expect(text.contains("DETAIL: line one\nline two<9B>2J"))
        #expect(error.message == "boom\u{1B}]0;pwned\u{07}\u{1B}[?1049l", "the field keeps the exact text")
    }
}
