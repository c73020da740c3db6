/// One statement's result from ``PGConnection/textResults(_:keepingRows:cuttingValuesAt:)``:
/// its command tag, its columns, the first rows as text and how many rows it returned in all.
/// Made for tools that show what arbitrary SQL returns without holding all of it.
public struct PGTextResult: Sendable, Equatable {
    /// A value kept shorter than it was: where it is and how long it was.
    public struct CutValue: Sendable, Equatable {
        /// The row's index among the kept rows.
        public let row: Int
        /// The column's index.
        public let column: Int
        /// The value's full length in bytes (UTF-8).
        public let byteCount: Int

        /// A cut value at `row`, `column`, `byteCount` bytes long in full.
        public init(row: Int, column: Int, byteCount: Int) {
            self.row = row
            self.column = column
            self.byteCount = byteCount
        }
    }

    /// The server's command tag: `SELECT 3`, `UPDATE 1`, `CREATE TABLE`...
    public var commandTag: String = ""
    /// The column names; empty for a statement that returns no rows (`UPDATE` without `RETURNING`).
    public var columns: [String] = []
    /// The first rows (at most the limit asked for), every value as text, NULL as nil.
    public var rows: [[String?]] = []
    /// Every row the statement returned, kept or not.
    public var rowCount = 0
    /// The kept values that were cut to the length asked for.
    public var cutValues: [CutValue] = []

    /// An empty result; PGKit fills it in.
    public init(commandTag: String = "", columns: [String] = []) {
        self.commandTag = commandTag
        self.columns = columns
    }

    /// Whether rows were left out (`rowCount` is more than `rows.count`).
    public var isPartial: Bool { rowCount > rows.count }
}
