import PGKit

/// A generated model of a table with a one-column primary key: what `RecordStore` needs to
/// insert, find, update, delete and page through its rows.
public protocol TableRecord: PGRowDecodable, Sendable, Hashable, Codable {
    associatedtype ID: PGEncodable & Hashable
    associatedtype Insert: RecordInsert
    associatedtype Update: RecordUpdate
    static var tableName: String { get }
    /// Every column, in the order `init(row:)` decodes them.
    static var columnNames: [String] { get }
    /// Each column's SQL type (`format_type`), in `columnNames` order.
    static var columnTypes: [String] { get }
    /// The columns that may hold NULL (generated models list them; by default every column but
    /// the primary key counts as nullable).
    static var nullableColumns: Set<String> { get }
    static var primaryKey: String { get }
    var primaryKeyValue: ID { get }
}

/// The column values of a new row.
public protocol RecordInsert: Sendable {
    var assignments: [ColumnAssignment] { get }
}

/// The column values an update changes.
public protocol RecordUpdate: Sendable {
    var assignments: [ColumnAssignment] { get }
}

/// One column and the value to write into it.
public struct ColumnAssignment: Sendable {
    public let column: String
    public let value: any PGEncodable

    public init(_ column: String, _ value: any PGEncodable) {
        self.column = column
        self.value = value
    }
}

/// Whether an update changes a field, and to what. `.set(nil)` writes NULL into a nullable column.
public enum FieldUpdate<Value: Sendable>: Sendable {
    case unchanged
    case set(Value)
}

extension TableRecord {
    public static var nullableColumns: Set<String> { Set(columnNames).subtracting([primaryKey]) }

    /// The column list for SELECT and RETURNING, each name quoted.
    static var selectList: String {
        columnNames.map(PGQuery.quoteIdentifier).joined(separator: ", ")
    }

    /// The SQL type of `column`, for casting values back (never user text: only from `columnTypes`).
    static func columnType(_ column: String) -> String {
        columnNames.firstIndex(of: column).map { columnTypes[$0] } ?? "text"
    }
}
