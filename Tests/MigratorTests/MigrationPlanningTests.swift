import Foundation
@testable import Migrator
import Testing

/// Plans computed as data, before anything runs: what `down` would revert and refuse, which
/// down statements destroy rows, and how a reused version number reads. No server.
struct MigrationPlanningTests {
    func record(_ migration: Migration, name: String? = nil, checksum: String? = nil) -> MigrationRecord {
        MigrationRecord(version: migration.version, name: name ?? migration.name, checksum: checksum ?? migration.checksum,
                        appliedAt: Date(timeIntervalSince1970: 0), executionMilliseconds: 1, appliedBy: "test", appliedFrom: "test")
    }

    var three: [Migration] {
        [(1, "a"), (2, "b"), (3, "c")].map { Migration(version: $0.0, name: $0.1, upSQL: "CREATE TABLE \($0.1) (id int);",
                                                       downSQL: "DROP TABLE \($0.1);") }
    }

    @Test func aRevertPlanTakesTheNewestFirst() throws {
        let plan = try RevertPlan(migrations: three, applied: three.map { record($0) }, count: 2)
        #expect(plan.steps.map(\.migration.label) == ["0003_c", "0002_b"])
    }

    @Test func aRevertPlanRefusesMoreStepsThanAreApplied() {
        #expect(throws: MigratorError.self) { try RevertPlan(migrations: three, applied: three.map { record($0) }, count: 4) }
        do {
            _ = try RevertPlan(migrations: three, applied: three.map { record($0) }, count: 4)
        } catch {
            guard case .tooManySteps(4, let applied) = error else { Issue.record("\(error)"); return }
            #expect(applied == ["0003_c", "0002_b", "0001_a"])
        }
    }

    @Test func aRevertPlanRefusesARenamedMigration() {
        do {
            _ = try RevertPlan(migrations: three, applied: three.map { record($0, name: $0.version == 3 ? "old" : nil) }, count: 1)
            Issue.record("should refuse")
        } catch {
            guard case .drift(let entries) = error else { Issue.record("\(error)"); return }
            #expect(entries.map(\.status) == [.renamed])
        }
    }

    @Test func destructiveStatementsAreFoundByTheirFirstWords() {
        let sql = """
            -- undo 0007
            DROP INDEX tags_name;
            /* the table */ DROP TABLE IF EXISTS tags;
            drop schema extra cascade;
            TRUNCATE   events;
            ALTER TABLE t DROP COLUMN x;
            SELECT 'DROP TABLE not_me';
            """
        let found = DestructiveStatement.find(in: sql, file: "0007_tags.down.sql")
        #expect(found.map(\.line) == [3, 4, 5])
        #expect(found.map(\.summary) == ["DROP TABLE IF EXISTS tags", "drop schema extra cascade", "TRUNCATE   events"])
        #expect(found.allSatisfy { $0.file == "0007_tags.down.sql" })
    }

    @Test func aReusedNumberReadsAsRenamedWithBothNames() {
        let applied = Migration(version: 1, name: "chat_schema", upSQL: "CREATE TABLE chat (id int);")
        let onDisk = Migration(version: 1, name: "add_tags", upSQL: "CREATE TABLE tags (id int);")
        let plan = MigrationPlan(migrations: [onDisk], applied: [record(applied)])
        let entry = plan.entries[0]
        #expect(entry.status == .renamed)
        #expect(entry.status.isDrift)
        #expect(entry.appliedName == "chat_schema")
        #expect(entry.explanation.hasPrefix("version 0001 is applied as chat_schema, but the file now is add_tags (a different migration"))
        let renamedOnly = MigrationPlan(migrations: [Migration(version: 1, name: "add_tags", upSQL: applied.upSQL)], applied: [record(applied)])
        #expect(renamedOnly.entries[0].explanation.contains("the same contents under a new name"))
    }

    @Test func labelsPadTheVersionToFourDigits() {
        #expect(Migration.label(version: 3, name: "add_tags") == "0003_add_tags")
        #expect(Migration.label(version: 12345, name: "x") == "12345_x")
    }
}
