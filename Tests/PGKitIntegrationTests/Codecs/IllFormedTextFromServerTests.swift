import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Text the server really holds that is not UTF-8: a `SQL_ASCII` database stores any bytes in a
/// `text` column, and a session whose URL asks for `client_encoding=SQL_ASCII` gets them as they
/// are (with PGKit's default, UTF8, the server itself refuses to send them). PGKit must refuse every ill-formed value as
/// `.decodingFailed` naming its column (never repair it into something else), return every
/// well-formed one byte for byte, and keep the connection usable. The cases include an
/// ill-formed part of three bytes, which the standard library's repair replaces with three
/// bytes (U+FFFD), so a length check alone would not see it.
@Suite struct IllFormedTextFromServerTests {
    static let name = "pgkit_test_sql_ascii"

    /// A fresh `SQL_ASCII` database (from template0, C locale) and a configuration for it whose
    /// sessions receive its bytes unconverted.
    static func sqlASCIIDatabase() async throws -> PGConfig {
        let server = try TestDatabase.serverConfig()
        try await PGConnection.withConnection(server) { admin in
            try await admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try await admin.executeScript("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'")
        }
        var config = server.withDatabase(name)
        config["client_encoding"] = "SQL_ASCII"
        return config
    }

    static let illFormed: [[UInt8]] = [
        [0xC3, 0x28], [0xF0, 0x9F, 0x98, 0x61], [0xE2, 0x82, 0x61, 0x62, 0x63], [0xED, 0xA0, 0x80], [0xC0, 0xAF],
        [0xF4, 0x90, 0x80, 0x80], [0xFF], Array("a long ASCII run before the stray byte".utf8) + [0x80],
    ]
    static let wellFormed: [String] = ["", "plain", "héllo", "日本語", "🦊 👩‍💻", String(repeating: "é", count: 300)]

    @Test func illFormedBytesAreRefusedAndWellFormedOnesComeBackExactly() async throws {
        let config = try await Self.sqlASCIIDatabase()
        try await PGConnection.withConnection(config) { conn in
            try await conn.executeScript("CREATE TABLE notes (id int PRIMARY KEY, body text)")
            let values = Self.illFormed.map { Data($0) } + Self.wellFormed.map { Data($0.utf8) }
            for (index, bytes) in values.enumerated() {
                // Bytes in as bytea, stored as text with no conversion (SQL_ASCII checks nothing).
                try await conn.execute("INSERT INTO notes VALUES (\(index), convert_from(\(bytes), 'SQL_ASCII'))")
            }
            let rows = try await conn.query("SELECT id, body, body::bytea FROM notes ORDER BY id")
            #expect(rows.count == values.count)
            for row in rows {
                let id = try row.decode(Int32.self, at: 0)
                let stored = try row.decode(Data.self, at: 2)
                #expect(stored == values[Int(id)], "the server holds the bytes sent (row \(id))")
                if Int(id) < Self.illFormed.count {
                    do {
                        let text = try row.decode(String.self, at: 1)
                        Issue.record("ill-formed \(Array(stored)) read as \(Array(text.utf8))")
                    } catch {
                        #expect((error as? PGError)?.kind == .decodingFailed)
                        #expect((error as? PGError)?.column == "body")
                    }
                    #expect(throws: PGError.self) { try row.decode((Int32, String, Data).self) }
                } else {
                    let text = try row.decode(String.self, at: 1)
                    #expect(Array(text.utf8) == Array(stored))
                    #expect(text == Self.wellFormed[Int(id) - Self.illFormed.count])
                }
            }
            // The connection goes on.
            #expect(try await conn.query("SELECT 1").scalar(Int.self) == 1)
        }
        try await PGConnection.withConnection(try TestDatabase.serverConfig()) { admin in
            try await admin.executeScript("DROP DATABASE IF EXISTS \(Self.name) WITH (FORCE)")
        }
    }
}
