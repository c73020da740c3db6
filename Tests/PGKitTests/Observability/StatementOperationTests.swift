@testable import PGKit
import Testing

/// The operation name spans and metrics use: one per keyword, never per statement.
@Suite struct StatementOperationTests {
    @Test func theFirstKeywordInUpperCaseNamesTheOperation() {
        #expect(StatementOperation(sql: "select 1").name == "SELECT")
        #expect(StatementOperation(sql: "  \n\tInsert INTO t VALUES ($1)").name == "INSERT")
        #expect(StatementOperation(sql: "WITH x AS (SELECT 1) SELECT * FROM x").name == "WITH")
    }

    @Test func commentsBeforeTheKeywordAreSkippedNestedOnesToo() {
        #expect(StatementOperation(sql: "-- why\n/* outer /* inner */ still */ UPDATE t SET a = 1").name == "UPDATE")
    }

    @Test func textThatStartsWithNoKeywordIsUnknown() {
        #expect(StatementOperation(sql: "").name == "UNKNOWN")
        #expect(StatementOperation(sql: "(SELECT 1)").name == "UNKNOWN")
        #expect(StatementOperation(sql: "/* never closed").name == "UNKNOWN")
    }
}
