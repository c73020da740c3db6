/// Text from a database (or a file, or a server message) made safe to write to a terminal:
/// every control character becomes visible text, so no value can clear the screen, change
/// colours or the window title, write the clipboard (OSC 52), leave the alternate screen or
/// fake a prompt. `PGError`'s description, dbctl's output and `dbctl studio` all go through it.
///
/// ```swift
/// TerminalSafeText.escaping("INJECT\u{1B}[2J\u{7}")   // "INJECT␛[2J␇"
/// TerminalSafeText.escaping("a\nb\tc")                 // "a⏎b⇥c"
/// TerminalSafeText.escaping("a\nb\tc", layout: .multiLine)   // "a\nb\tc"
/// ```
///
/// The visible forms: C0 controls as their Unicode control pictures (`␀`...`␟`; ESC is `␛`,
/// so `ESC [ 2 J` shows as `␛[2J`), except line feed as `⏎` and tab as `⇥`; DEL as `␡`; C1
/// controls (U+0080–U+009F, including the 8-bit CSI U+009B) as `<9B>`; the bidirectional
/// formatting characters that reorder what follows them (U+202A–U+202E, U+2066–U+2069) as
/// `<U+202E>`. Every replacement is printable and one terminal column per character, so
/// column widths can be counted on the escaped text, and escaping twice changes nothing.
public enum TerminalSafeText {
    /// What may stay as it is.
    public enum Layout: Sendable {
        /// Nothing: line feeds and tabs are shown too (grid cells, names, status lines).
        case singleLine
        /// Line feeds and tabs stay, for messages that span lines (dbctl's errors); every
        /// other control character is shown.
        case multiLine
    }

    /// `text` with every control character replaced by its visible form.
    public static func escaping(_ text: String, layout: Layout = .singleLine) -> String {
        guard text.unicodeScalars.contains(where: { replacement(for: $0, layout: layout) != nil }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let replacement = replacement(for: scalar, layout: layout) {
                result.append(contentsOf: replacement.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The visible form of `scalar`, or nil when it is printed as it is.
    public static func replacement(for scalar: Unicode.Scalar, layout: Layout = .singleLine) -> String? {
        let value = scalar.value
        switch value {
        case 0x0A: return layout == .multiLine ? nil : "⏎"
        case 0x09: return layout == .multiLine ? nil : "⇥"
        case 0x00...0x1F: return String(Unicode.Scalar(0x2400 + value)!)
        case 0x7F: return "␡"
        case 0x80...0x9F: return "<" + hex(value, digits: 2) + ">"
        case 0x202A...0x202E, 0x2066...0x2069: return "<U+" + hex(value, digits: 4) + ">"
        default: return nil
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
