import Foundation
@testable import Migrator
import Testing

/// Migration files on disk: every byte is SQL text, or the directory is refused before anything runs.
@Suite struct MigrationFileTests {
    func directory(_ files: [String: [UInt8]]) throws -> MigrationDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("migration-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: url.appendingPathComponent(name)) }
        return MigrationDirectory(path: url.path)
    }

    func refusal(_ files: [String: [UInt8]]) throws -> String? {
        do {
            _ = try directory(files).load()
            return nil
        } catch let error as MigratorError {
            return "\(error)"
        }
    }

    @Test func aNULByteIsRefusedNamingFileAndLine() throws {
        let sql = Array("CREATE TABLE n1 (id int);\nINSERT INTO n1 VALUES (1), (2)".utf8) + [0] + Array(", (3);\n".utf8)
        #expect(try refusal(["0001_nul.up.sql": sql]) == "0001_nul.up.sql:2: contains a NUL byte, which SQL text cannot hold; nothing was applied")
        let down = Array("-- undo\n\nDROP TABLE n1;".utf8) + [0]
        #expect(try refusal(["0001_a.up.sql": Array("SELECT 1;".utf8), "0001_a.down.sql": down])?.hasPrefix("0001_a.down.sql:3: contains a NUL byte") == true)
        // The eight-byte fast path must not skip a NUL inside an aligned word.
        for offset in 0..<16 {
            var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 32)
            bytes[offset] = 0
            #expect(try refusal(["0001_a.up.sql": bytes])?.hasPrefix("0001_a.up.sql:1: contains a NUL") == true, "NUL at \(offset)")
        }
    }

    @Test func bytesThatAreNotUTF8AreRefusedNamingFileAndLine() throws {
        #expect(try refusal(["0001_a.up.sql": Array("SELECT 1;\n\nSELECT 'caf".utf8) + [0xE9] + Array("';".utf8)])
            == "0001_a.up.sql:3: not valid UTF-8; nothing was applied")
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF]] {
            #expect(try refusal(["0001_a.up.sql": Array("SELECT '".utf8) + bad + Array("';".utf8)])?.contains("not valid UTF-8") == true, "\(bad)")
        }
    }

    @Test func validTextIsReadByteForByte() throws {
        let sql = "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY \"índice 🐘\" ON t (x); -- ✓\r\nSELECT 'ok';"
        let migrations = try directory(["0001_a.up.sql": Array(sql.utf8), "0001_a.down.sql": []]).load()
        #expect(migrations.first?.upSQL == sql)
        #expect(migrations.first?.downSQL == "")
        #expect(migrations.first?.runsOutsideTransaction == true)
        #expect(migrations.first?.checksum == SHA256.hex(Array(sql.utf8)))
    }

    @Test func aFileThatIsNotARegularFileIsRefused() throws {
        let migrations = try directory([:])
        try FileManager.default.createDirectory(at: migrations.url.appendingPathComponent("0001_a.up.sql"), withIntermediateDirectories: false)
        #expect {
            _ = try migrations.load()
        } throws: { error in
            "\(error)".hasPrefix("0001_a.up.sql cannot be read")
        }
    }
}
