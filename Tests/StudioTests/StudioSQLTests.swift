@testable import Studio
import Testing

/// Which SQL the prompt reads page by page through a cursor, and which it runs once.
@Suite struct StudioSQLTests {
    @Test func aSingleQueryIsReadThroughACursorWithoutItsTrailingSemicolonOrComment() {
        #expect(StudioSQL("select 1;") == .query("select 1"))
        #expect(StudioSQL("  SELECT g FROM generate_series(1, 3) g ; -- done\n") == .query("  SELECT g FROM generate_series(1, 3) g"))
        #expect(StudioSQL("with t as (select 1) select * from t") == .query("with t as (select 1) select * from t"))
        #expect(StudioSQL("(values (1), (2))") == .query("(values (1), (2))"))
        #expect(StudioSQL("/* why */ table notes") == .query("/* why */ table notes"))
        #expect(StudioSQL("select 'a;b', \"c;d\", $x$ e;f $x$, E'g\\';h'") == .query("select 'a;b', \"c;d\", $x$ e;f $x$, E'g\\';h'"))
    }

    @Test func writesDDLAndSeveralStatementsRunOnce() {
        #expect(StudioSQL("update notes set body = 'x'") == .script("update notes set body = 'x'"))
        #expect(StudioSQL("select 1; select 2") == .script("select 1; select 2"))
        #expect(StudioSQL("create table t (id int)") == .script("create table t (id int)"))
        #expect(StudioSQL("-- select\ndelete from t") == .script("-- select\ndelete from t"))
        #expect(StudioSQL(";") == .script(";"))
    }

    @Test func theCursorCutsEveryValueAndTheExportDoesNot() {
        let declare = SQLResultCursor.declareSQL("select 1 a, 2 a", columnCount: 2)
        #expect(declare == "DECLARE pgkit_studio_result SCROLL CURSOR FOR SELECT left(c1::text, 8193), left(c2::text, 8193) FROM (\nselect 1 a, 2 a\n) AS studio_query(c1, c2)")
        #expect(SQLResultCursor.exportSQL("select 1", columnCount: 1) == "SELECT c1::text FROM (\nselect 1\n) AS studio_query(c1)")
    }
}
