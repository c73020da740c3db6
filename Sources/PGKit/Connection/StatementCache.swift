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
        /// What running the statement may leave in the session (worked out once, when prepared).
        var effects: SessionEffects = []
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:] {
        didSet { recent = nil }
    }
    /// The entry found last and where it is: the same statement again (a loop, a busy query)
    /// is found by comparing its SQL instead of hashing it. Forgotten on every change to
    /// `entries` but the use stamps `lookup` writes, which move nothing.
    private var recent: (key: Key, index: Dictionary<Key, Entry>.Index)?
    private var clock: UInt64 = 0
    private var nextName = 0

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { entries.count }

    /// The statement's entry, marking it as just used.
    mutating func lookup(_ key: Key) -> Entry? {
        let index: Dictionary<Key, Entry>.Index
        if let recent, recent.key == key {
            index = recent.index
        } else {
            guard let found = entries.index(forKey: key) else { return nil }  // hashes the SQL once
            index = found
        }
        clock += 1
        entries.values[index].lastUse = clock
        recent = (key, index)  // after the write: the observer forgets it on every change
        return entries.values[index]
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
        entries[key] = Entry(name: name, lastUse: clock, metadata: nil, effects: SessionEffects.of(key.sql))
        return (name, evicted)
    }

    mutating func setMetadata(_ metadata: PGResultMetadata, for key: Key) {
        entries[key]?.metadata = metadata
    }

    mutating func remove(_ key: Key) { entries[key] = nil }

    mutating func removeAll() { entries.removeAll() }

    /// Whether a statement is worth preparing: repeated data statements are; DDL is not.
    static func isCacheable(_ sql: String) -> Bool {
        // Runs for every statement: reads at most six letters into an integer, allocates nothing.
        var head: UInt64 = 0
        var count = 0
        for byte in sql.utf8 {
            if count == 0, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x28 { continue }
            guard count < 6 else { break }
            head |= UInt64(byte | 0x20) << (8 * count)  // ASCII letters to lower case; nothing else can match
            count += 1
        }
        return cacheableKeywords.contains { keyword in
            count >= keyword.length && head & (UInt64.max >> (64 - 8 * keyword.length)) == keyword.bytes
        }
    }

    private static let cacheableKeywords: [(bytes: UInt64, length: Int)] = ["select", "insert", "update", "delete", "with", "values"].map { word in
        (word.utf8.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }, word.utf8.count)
    }
}
