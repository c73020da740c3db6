/// The prepared statements one connection holds, bounded, least recently used evicted first.
///
/// A plain value: the connection asks it what to do (`lookup`, `insert` returning what to
/// deallocate) and does the I/O itself, so the policy is testable without a server.
struct StatementCache {
    struct Key: Hashable {
        var sql: String
        var parameterTypes: [UInt32]
    }

    struct Entry {
        var name: String
        var lastUse: UInt64
        var metadata: PGResultMetadata?
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    private var nextName = 0

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { entries.count }

    /// The statement's entry, marking it as just used.
    mutating func lookup(_ key: Key) -> Entry? {
        guard var entry = entries[key] else { return nil }
        clock += 1
        entry.lastUse = clock
        entries[key] = entry
        return entry
    }

    /// Adds a statement under a fresh name; returns that name and the name of the statement
    /// evicted to make room, which the caller deallocates.
    mutating func insert(_ key: Key) -> (name: String, evicted: String?) {
        var evicted: String?
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            evicted = oldest.value.name
            entries[oldest.key] = nil
        }
        nextName += 1
        clock += 1
        let name = "pgkit_\(nextName)"
        entries[key] = Entry(name: name, lastUse: clock, metadata: nil)
        return (name, evicted)
    }

    mutating func setMetadata(_ metadata: PGResultMetadata, for key: Key) {
        entries[key]?.metadata = metadata
    }

    mutating func remove(_ key: Key) { entries[key] = nil }

    mutating func removeAll() { entries.removeAll() }

    /// Whether a statement is worth preparing: repeated data statements are; DDL is not.
    static func isCacheable(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0.isWhitespace || $0 == "(" }).prefix(6).lowercased()
        return head.hasPrefix("select") || head.hasPrefix("insert") || head.hasPrefix("update")
            || head.hasPrefix("delete") || head.hasPrefix("with") || head.hasPrefix("values")
    }
}
