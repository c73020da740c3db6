import Foundation
import PGKit
import PGKitTestSupport
import Synchronization
import Testing

@Suite struct CopyTests {
    static let database = SuiteDatabase("copy")

    @Test func copyInAndOutRoundTripEveryCodecIncludingVectors() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TABLE IF EXISTS copied; CREATE TABLE copied (id int8, name text, at timestamptz, tags text[], v vector(3), note text)")
            var rows: [[any PGEncodable]] = []
            for index in 1...1000 {
                let note: String? = index % 2 == 0 ? nil : "x"
                let name = "name, \"quoted\" \(index) ü"
                let vector = try PGVector([1, 2, Float(index)])
                let row: [any PGEncodable] = [Int64(index), name, Date(timeIntervalSince1970: Double(index)), ["a", "b"], vector, note]
                rows.append(row)
            }
            #expect(try await conn.copyIn(table: "copied", columns: ["id", "name", "at", "tags", "v", "note"], rows: rows) == 1000)
            #expect(try await conn.query("SELECT v FROM copied WHERE id = 7").scalar(PGVector.self)?.values == [1, 2, 7])
            let output = Mutex(Data())
            let copied = try await conn.copyOut("COPY (SELECT id, name, note FROM copied ORDER BY id) TO STDOUT (FORMAT csv, HEADER)") { chunk in
                output.withLock { $0.append(contentsOf: chunk) }
            }
            #expect(copied == 1000)
            let lines = String(decoding: output.withLock { $0 }, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 1001)
            #expect(lines[0] == "id,name,note")
            #expect(lines[1] == "1,\"name, \"\"quoted\"\" 1 ü\",x")
            #expect(lines[2] == "2,\"name, \"\"quoted\"\" 2 ü\",")
        }
    }

    @Test func aBadRowAbortsTheWholeCopyAndAFailedCopyOutIsAnError() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("DROP TABLE IF EXISTS strict; CREATE TABLE strict (id int8, body text)")
            let rows: [[any PGEncodable]] = [[Int64(1), "ok"], [Int64(2), "bad\0nul"], [Int64(3), "ok"]]
            await #expect(throws: PGError.self) { try await conn.copyIn(table: "strict", columns: ["id", "body"], rows: rows) }
            #expect(try await conn.query("SELECT count(*) FROM strict").scalar(Int.self) == 0, "nothing written")
            await #expect(throws: PGError.self) { try await conn.copyOut("COPY missing_table TO STDOUT") { _ in } }
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
    }
}
