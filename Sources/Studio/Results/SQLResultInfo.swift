/// Where a page of a SQL result sits in the whole result, and what else the SQL reported.
public struct SQLResultInfo: Sendable, Equatable {
    /// The query (for paging and export) or the script as typed.
    public var sql: String
    /// Read through a cursor: later and earlier pages are fetched from the server on demand.
    /// False for SQL that is not a single query, which ran once and keeps its first rows.
    public var isPageable: Bool
    /// The index of this page's first row in the result.
    public var offset = 0
    /// Whether rows follow this page.
    public var hasMore = false
    /// Rows known to exist: every row for SQL that ran once, those read so far for a query.
    public var rowsSeen = 0
    /// Whether `rowsSeen` is every row.
    public var rowCountIsExact = false
    /// Each statement's command tag (`UPDATE 3`, `SELECT 1000`...), as psql prints them.
    public var commandTags: [String] = []

    /// The first page's information, before rows are read.
    public init(sql: String, isPageable: Bool) {
        self.sql = sql
        self.isPageable = isPageable
    }
}
