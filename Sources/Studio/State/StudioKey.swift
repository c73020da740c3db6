/// A key press, decoded from terminal bytes.
public enum StudioKey: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, tab, escape, backspace, interrupt

    /// Decodes one key from the start of `bytes`; returns the key and how many bytes it used.
    public static func decode(_ bytes: [UInt8]) -> (StudioKey, Int)? {
        guard let first = bytes.first else { return nil }
        switch first {
        case 3: return (.interrupt, 1)
        case 9: return (.tab, 1)
        case 10, 13: return (.enter, 1)
        case 8, 127: return (.backspace, 1)
        case 27:
            guard bytes.count >= 3, bytes[1] == UInt8(ascii: "[") || bytes[1] == UInt8(ascii: "O") else { return (.escape, 1) }
            switch bytes[2] {
            case UInt8(ascii: "A"): return (.up, 3)
            case UInt8(ascii: "B"): return (.down, 3)
            case UInt8(ascii: "C"): return (.right, 3)
            case UInt8(ascii: "D"): return (.left, 3)
            case UInt8(ascii: "H"): return (.home, 3)
            case UInt8(ascii: "F"): return (.end, 3)
            case UInt8(ascii: "5") where bytes.count >= 4: return (.pageUp, 4)
            case UInt8(ascii: "6") where bytes.count >= 4: return (.pageDown, 4)
            default: return (.escape, 1)
            }
        default:
            // One UTF-8 character.
            let length = first < 0x80 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4
            guard bytes.count >= length, let text = String(bytes: bytes[0..<length], encoding: .utf8), let character = text.first else {
                return (.escape, 1)
            }
            return (.character(character), length)
        }
    }
}
