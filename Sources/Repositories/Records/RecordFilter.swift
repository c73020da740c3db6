import PGKit

/// A WHERE condition on a table's columns, with values always bound as parameters.
///
/// ```swift
/// let filter = RecordFilter.equals("user_id", userID) && .isNull("expires_at")
/// ```
public struct RecordFilter: Sendable {
    let fragment: PGQuery
    let columns: [String]
    /// Columns the filter fixes to one value (`equals`, joined by `&&`): an index that starts
    /// with them serves a sort on another column.
    var equalityColumns: Set<String> = []
    /// Conditions every row the filter selects satisfies (what a live query re-runs for); empty
    /// when it cannot say (any row may be selected).
    var rowConditions: [PGRowCondition] = []

    public static func equals(_ column: String, _ value: some PGEncodable) -> RecordFilter {
        RecordFilter(fragment: "\(identifier: column) = \(value)", columns: [column], equalityColumns: [column],
                     rowConditions: LiveReads.equals(column, value).map { [$0] } ?? [])
    }

    public static func notEquals(_ column: String, _ value: some PGEncodable) -> RecordFilter {
        RecordFilter(fragment: "\(identifier: column) <> \(value)", columns: [column])
    }

    public static func greaterThan(_ column: String, _ value: some PGEncodable) -> RecordFilter {
        RecordFilter(fragment: "\(identifier: column) > \(value)", columns: [column])
    }

    public static func lessThan(_ column: String, _ value: some PGEncodable) -> RecordFilter {
        RecordFilter(fragment: "\(identifier: column) < \(value)", columns: [column])
    }

    public static func isNull(_ column: String) -> RecordFilter {
        RecordFilter(fragment: "\(identifier: column) IS NULL", columns: [column])
    }

    public static func isNotNull(_ column: String) -> RecordFilter {
        RecordFilter(fragment: "\(identifier: column) IS NOT NULL", columns: [column])
    }

    /// Case-insensitive substring match (`ILIKE`), with `%` and `_` in `text` matched literally.
    public static func contains(_ column: String, _ text: String) -> RecordFilter {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return RecordFilter(fragment: "\(identifier: column) ILIKE \("%" + escaped + "%")", columns: [column])
    }

    public static func && (lhs: RecordFilter, rhs: RecordFilter) -> RecordFilter {
        RecordFilter(fragment: "(\(lhs.fragment)) AND (\(rhs.fragment))", columns: lhs.columns + rhs.columns,
                     equalityColumns: lhs.equalityColumns.union(rhs.equalityColumns), rowConditions: lhs.rowConditions + rhs.rowConditions)
    }

    public static func || (lhs: RecordFilter, rhs: RecordFilter) -> RecordFilter {
        RecordFilter(fragment: "(\(lhs.fragment)) OR (\(rhs.fragment))", columns: lhs.columns + rhs.columns)
    }
}
