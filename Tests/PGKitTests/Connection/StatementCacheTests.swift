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
}
