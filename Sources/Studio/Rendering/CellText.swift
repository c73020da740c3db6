import Foundation
import PGKit

/// How values look on screen: NULL distinct from empty text, timestamps in local time, JSON on
/// one line, vectors shortened with their dimension, long text cut with an ellipsis, and widths
/// measured in terminal columns (wide characters and emoji count as two).
///
/// Control characters never reach the screen: `display` and `fit` show them as
/// ``TerminalSafeText`` does (`⏎` for a line feed, `␛` for ESC, `<9B>` for a C1 control), and
/// `width` counts those visible forms, so a hostile value cannot shift the columns after it.
public enum CellText {
    public static let null = "∅ NULL"

    public static func display(_ value: String?, type: String) -> String {
        guard let value else { return null }
        if type.hasPrefix("vector") { return vector(value) }
        if type == "timestamp with time zone" { return localTime(value) ?? TerminalSafeText.escaping(value) }
        return TerminalSafeText.escaping(value)
    }

    /// `[0.12, -0.40, ... ] (384)`.
    public static func vector(_ text: String) -> String {
        let values = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
        let shown = values.prefix(2).map { String(format: "%.2f", Double($0) ?? 0) }
        return "[" + shown.joined(separator: ", ") + (values.count > 2 ? ", ... ]" : "]") + " (\(values.count))"
    }

    static func localTime(_ text: String) -> String? {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd HH:mm:ss.SSSSSSXXXXX", "yyyy-MM-dd HH:mm:ss.SSSSSSX", "yyyy-MM-dd HH:mm:ssXXXXX", "yyyy-MM-dd HH:mm:ssX"] {
            parser.dateFormat = format
            if let date = parser.date(from: text) {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
                return formatter.string(from: date)
            }
        }
        return nil
    }

    /// Terminal columns `text` occupies once escaped (the same for `text` and its escaped form).
    public static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + scalarWidth($1) }
    }

    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        if let visible = TerminalSafeText.replacement(for: scalar) { return visible.unicodeScalars.count }
        let value = scalar.value
        if value == 0x200D || (0xFE00...0xFE0F).contains(value) || (0x0300...0x036F).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text`, escaped, cut or padded to exactly `columns` terminal columns, with `…` where it
    /// was cut.
    public static func fit(_ raw: String, _ columns: Int) -> String {
        guard columns > 0 else { return "" }
        let text = TerminalSafeText.escaping(raw)
        let total = width(text)
        if total <= columns { return text + String(repeating: " ", count: columns - total) }
        var result = ""
        var used = 0
        for character in text {
            let characterWidth = width(String(character))
            if used + characterWidth > columns - 1 { break }
            result.append(character)
            used += characterWidth
        }
        return result + "…" + String(repeating: " ", count: columns - used - 1)
    }
}
