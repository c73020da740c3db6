import ArgumentParser

/// A size on the command line as PostgreSQL writes them: `64MB`, `512kB`, `1GB`, `2TB` (units
/// of 1024, case ignored), a bare number of bytes, or `off` (and `0`) for none.
struct ByteSizeArgument: ExpressibleByArgument, Equatable {
    let bytes: Int64

    init(bytes: Int64) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "off" {
            bytes = 0
            return
        }
        let units: [(String, Int64)] = [("tb", 1 << 40), ("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("b", 1)]
        let (suffix, scale) = units.first { text.hasSuffix($0.0) } ?? ("", 1)
        let number = text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
        guard let value = Int64(number), value >= 0, value <= Int64.max / scale else { return nil }
        bytes = value * scale
    }

    var defaultValueDescription: String { bytes == 0 ? "off" : Self.describe(bytes) }

    /// `64MB`, `1.5GB`, `300kB`, `12 bytes`.
    static func describe(_ bytes: Int64) -> String {
        for (unit, scale) in [("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)] as [(String, Int64)] where bytes >= scale {
            let value = Double(bytes) / Double(scale)
            return (value == value.rounded() ? "\(Int64(value))" : String(format: "%.1f", value)) + unit
        }
        return "\(bytes) bytes"
    }
}
