import Foundation
import PGKit

/// Reads the members of one JSON object for a document type's `init(json:)`: unknown members,
/// missing required ones and values of the wrong JSON type are `RepositoryError.invalidDocument`
/// naming the member's path (`messages.parts[1].width`).
struct JSONObjectReader {
    let field: String
    let members: [String: PGJSONValue]

    init(_ value: PGJSONValue, field: String, members allowed: Set<String>) throws(RepositoryError) {
        guard case .object(let members) = value else { throw .invalidDocument(field: field, reason: "must be a JSON object") }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidDocument(field: "\(field).\(unknown)", reason: "is not a member of \(field)")
        }
        self.field = field
        self.members = members
    }

    func path(_ key: String) -> String { "\(field).\(key)" }

    /// The member, or nil when it is absent. A JSON null is refused: absent members are left out.
    func value(_ key: String) throws(RepositoryError) -> PGJSONValue? {
        guard let value = members[key] else { return nil }
        if case .null = value { throw .invalidDocument(field: path(key), reason: "is null; leave the member out instead") }
        return value
    }

    func required<T>(_ key: String, _ read: (String) throws(RepositoryError) -> T?) throws(RepositoryError) -> T {
        guard let value = try read(key) else { throw .invalidDocument(field: path(key), reason: "is missing") }
        return value
    }

    func string(_ key: String) throws(RepositoryError) -> String? {
        guard let value = try value(key) else { return nil }
        guard case .string(let text) = value else { throw .invalidDocument(field: path(key), reason: "must be a string") }
        return text
    }

    func bool(_ key: String) throws(RepositoryError) -> Bool? {
        guard let value = try value(key) else { return nil }
        guard case .bool(let flag) = value else { throw .invalidDocument(field: path(key), reason: "must be true or false") }
        return flag
    }

    func number(_ key: String) throws(RepositoryError) -> PGJSONNumber? {
        guard let value = try value(key) else { return nil }
        guard case .number(let number) = value else { throw .invalidDocument(field: path(key), reason: "must be a number") }
        return number
    }

    func double(_ key: String) throws(RepositoryError) -> Double? { try number(key)?.doubleValue }

    /// A whole number. One too large for `Int64` is still whole: it comes back as out of range,
    /// through `allowed`, rather than as a shape error.
    func integer(_ key: String, allowed: ClosedRange<Double>) throws(RepositoryError) -> Int64? {
        guard let number = try number(key) else { return nil }
        if let whole = number.int64Value { return whole }
        let value = number.doubleValue
        if value.isFinite, value == value.rounded() { throw .valueOutOfRange(field: path(key), allowed: allowed, value: value) }
        throw .invalidDocument(field: path(key), reason: "must be a whole number")
    }

    func object(_ key: String) throws(RepositoryError) -> PGJSONValue? {
        guard let value = try value(key) else { return nil }
        guard case .object = value else { throw .invalidDocument(field: path(key), reason: "must be a JSON object") }
        return value
    }

    func array(_ key: String) throws(RepositoryError) -> [PGJSONValue]? {
        guard let value = try value(key) else { return nil }
        guard case .array(let elements) = value else { throw .invalidDocument(field: path(key), reason: "must be a JSON array") }
        return elements
    }
}

/// Unix milliseconds, the JSON documents' times (seed 003's timestamps): a `Date` made from
/// them is exact, so it goes back to the same number.
enum UnixMilliseconds {
    /// From year 1970 to the end of year 9999, as the database's rules allow.
    static let allowed: ClosedRange<Double> = 0...253_402_300_799_999

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// The nearest millisecond.
    static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return value.isFinite && abs(value) < 9e18 ? Int64(value) : (value < 0 ? .min : .max)
    }

    /// `date` to the nearest millisecond, as it comes back from JSON.
    static func rounded(_ date: Date) -> Date { Self.date(milliseconds(date)) }
}
