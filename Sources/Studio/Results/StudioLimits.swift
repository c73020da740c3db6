/// How much of a result the studio holds: the memory bound README documents.
public enum StudioLimits {
    /// Rows of a SQL result held at once (one page); paging reads the next page from the server.
    public static let sqlPageRows = 1_000
    /// Rows of a table page.
    public static let tablePageRows = 100
    /// Characters of one value the studio holds (grid and row detail); longer values are cut,
    /// and say so. Exports write values whole.
    public static let valueCharacters = 8_192
}
