@testable import PGKit
import Testing

@Suite struct StatementCacheTests {
    @Test func dataStatementsAreCacheableAndOthersAreNot() {
        for sql in ["SELECT 1", "select 1", "  \n\t(SELECT 1) UNION (SELECT 2)", "InSeRt INTO t VALUES ($1)", "UPDATE t SET a = 1",
                    "delete from t", "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1), (2)", "((select 1))"] {
            #expect(StatementCache.isCacheable(sql), "\(sql)")
        }
        for sql in ["", "   ", "(", "CREATE TABLE t (a int)", "BEGIN", "SET x = 1", "sel", "wit", "DROP TABLE t", "séLECT 1",
                    "SHOW search_path", "EXPLAIN SELECT 1", "COPY t FROM STDIN", "\u{00A0}SELECT 1"] {
            #expect(!StatementCache.isCacheable(sql), "\(sql)")
        }
    }

    @Test func evictsTheLeastRecentlyUsedStatementAndLookupsCountAsUse() {
        var cache = StatementCache(capacity: 2)
        let a = StatementCache.Key(sql: "SELECT 1", parameterTypes: [])
        let b = StatementCache.Key(sql: "SELECT $1", parameterTypes: [20])
        let c = StatementCache.Key(sql: "SELECT $1", parameterTypes: [23])
        let nameA = cache.insert(a).name
        _ = cache.insert(b)
        #expect(cache.lookup(a)?.name == nameA)   // a is now the most recently used
        let (_, evicted) = cache.insert(c)
        #expect(evicted != nil && evicted != nameA)
        #expect(cache.lookup(b) == nil && cache.lookup(a) != nil && cache.lookup(c) != nil)
        #expect(cache.count == 2)
    }

    @Test func theSameStatementLookedUpAgainKeepsItsUseAndIsForgottenWhenEvictedOrChanged() {
        var cache = StatementCache(capacity: 2)
        let a = StatementCache.Key(sql: "SELECT $1", parameterTypes: [20])
        let b = StatementCache.Key(sql: "SELECT $1", parameterTypes: [23])
        let c = StatementCache.Key(sql: String("SELECT $1".reversed().reversed()), parameterTypes: [25])  // equal text, other storage
        let nameA = cache.insert(a).name
        let nameB = cache.insert(b).name
        // a, remembered, looked up again and again: each lookup is a use, so b is the oldest.
        for _ in 0..<5 { #expect(cache.lookup(a)?.name == nameA) }
        #expect(cache.insert(c).evicted == nameB)
        #expect(cache.lookup(b) == nil)
        // a is remembered, then evicted: it must not be found through the memory.
        #expect(cache.lookup(a)?.name == nameA)
        #expect(cache.lookup(c) != nil)
        #expect(cache.lookup(a)?.name == nameA)
        cache.remove(a)
        #expect(cache.lookup(a) == nil)
        #expect(cache.lookup(c) != nil)
        cache.removeAll()
        #expect(cache.lookup(c) == nil && cache.count == 0)
        // A key equal to the remembered one but a different object still hits it.
        let copyOfA = StatementCache.Key(sql: "SELECT " + "$1", parameterTypes: [20])
        let name = cache.insert(a).name
        #expect(cache.lookup(a)?.name == name)
        #expect(cache.lookup(copyOfA)?.name == name)
    }
}
