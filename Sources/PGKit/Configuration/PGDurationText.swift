import Foundation

/// Durations as people write them in configuration: `500ms`, `5s`, `2m` or `2min`, `1h`
/// (decimals allowed: `1.5s`). Used by `query_timeout=` in connection strings and by dbctl's
/// time options and migration directives.
///
/// ```swift
/// PGDurationText.parse("1.5s")                            // .milliseconds(1500)
/// PGDurationText.parse("30", bareNumberUnit: .seconds(1)) // .seconds(30)
/// PGDurationText.describe(.milliseconds(1500))            // "1.5s"
/// ```
public enum PGDurationText {
    private static let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("min", 60), ("s", 1), ("m", 60), ("h", 3600)]

    /// The positive duration `text` names, or nil. A number without a unit counts in
    /// `bareNumberUnit`, and is refused when that is nil (so `5000` cannot silently mean
    /// seconds to someone who meant PostgreSQL's milliseconds).
    public static func parse(_ text: String, bareNumberUnit: Duration? = nil) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            if let duration = duration(String(text.dropLast(suffix.count)), seconds: seconds) { return duration }
        }
        guard let bareNumberUnit else { return nil }
        let (whole, attoseconds) = bareNumberUnit.components
        return duration(text, seconds: Double(whole) + Double(attoseconds) / 1e18)
    }

    /// A short text for `duration`: `250ms`, `5s`, `1.5s`, `2min`, `1h 5min`.
    public static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            let tenths = (milliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = (milliseconds + 500) / 1000
        if seconds < 3600 { return seconds % 60 == 0 ? "\(seconds / 60)min" : "\(seconds / 60)min \(seconds % 60)s" }
        let minutes = (seconds + 30) / 60
        return minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes / 60)h \(minutes % 60)min"
    }

    private static func duration(_ number: String, seconds: Double) -> Duration? {
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value > 0, value.isFinite, value * seconds < 1e9 else { return nil }
        let milliseconds = Int64((value * seconds * 1000).rounded())
        return milliseconds > 0 ? .milliseconds(milliseconds) : nil
    }
}
