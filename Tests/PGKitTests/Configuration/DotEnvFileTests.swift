import Foundation
import PGKit
import Testing

/// The `.env` grammar the dotenv tools share, and every way a file is refused.
@Suite struct DotEnvFileTests {
    func parse(_ text: String) throws -> DotEnvFile {
        try DotEnvFile(parsing: Array(text.utf8), path: ".env")
    }

    func refusal(_ bytes: [UInt8]) -> DotEnvFileError? {
        do {
            _ = try DotEnvFile(parsing: bytes, path: ".env")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsPlainAssignmentsBlankLinesAndComments() throws {
        let file = try parse("# settings\n\nA=1\n   \n  # indented comment\nB = two words \nC=\n")
        #expect(file["A"] == "1")
        #expect(file["B"] == "two words")
        #expect(file["C"] == "")
        #expect(file.entries.map(\.line) == [3, 6, 7])
    }

    @Test func acceptsExportFollowedByAnySpaceOrTab() throws {
        let file = try parse("export A=1\nexport\tB=2\nexport \t C=3\nexport=4\n")
        #expect(file["A"] == "1")
        #expect(file["B"] == "2")
        #expect(file["C"] == "3")
        #expect(file["export"] == "4", "a key named export is still a key")
    }

    @Test func doubleQuotesTakeEscapesAndSpanLines() throws {
        let file = try parse(#"A="line1\nline2\t\"q\" \\ \'s'""# + "\nB=\"first\nsecond\"\nC=\"has # inside\"\nD=\"\\x stays\"\n")
        #expect(file["A"] == "line1\nline2\t\"q\" \\ 's'")
        #expect(file["B"] == "first\nsecond")
        #expect(file["C"] == "has # inside")
        #expect(file["D"] == "\\x stays", "unknown escapes are kept as written")
        #expect(file.lines(of: "C") == [4], "lines inside a quoted value are counted")
    }

    @Test func singleQuotesAndBackticksAreLiteral() throws {
        let file = try parse("A='no \\n escapes $HOME'\nB=`back\ntick`\nC='spans\nlines'\n")
        #expect(file["A"] == "no \\n escapes $HOME")
        #expect(file["B"] == "back\ntick")
        #expect(file["C"] == "spans\nlines")
    }

    @Test func commentsFollowClosingQuotesAndSpacedUnquotedValues() throws {
        let file = try parse("""
            DATABASE_URL="postgresql://app:pw@db/chat" # the production database
            B='x'#tight
            C=plain # comment
            D=pa#ss
            E= # only a comment
            F=#not-a-comment
            """)
        #expect(file["DATABASE_URL"] == "postgresql://app:pw@db/chat")
        #expect(file["B"] == "x")
        #expect(file["C"] == "plain")
        #expect(file["D"] == "pa#ss", "a # inside an unquoted value is part of it")
        #expect(file["E"] == "")
        #expect(file["F"] == "#not-a-comment")
    }

    @Test func acceptsCRLFLoneCRAndAByteOrderMark() throws {
        let file = try DotEnvFile(parsing: [0xEF, 0xBB, 0xBF] + Array("A=1\r\nB=\"x\r\ny\"\r\nC=3\rD=4".utf8), path: ".env")
        #expect(file["A"] == "1")
        #expect(file["B"] == "x\ny")
        #expect(file["C"] == "3")
        #expect(file["D"] == "4")
        #expect(file.entries.map(\.line) == [1, 2, 4, 5])
    }

    @Test func acceptsTheColonFormOfNodeAndGodotenv() throws {
        #expect(try parse("A: value\n")["A"] == "value")
    }

    @Test func theLastOfRepeatedKeysWins() throws {
        let file = try parse("DATABASE_URL=postgresql://a@h/first\nX=1\nDATABASE_URL=postgresql://a@h/second\n")
        #expect(file["DATABASE_URL"] == "postgresql://a@h/second")
        #expect(file.lines(of: "DATABASE_URL") == [1, 3])
    }

    @Test func refusesInvalidUTF8NamingTheLine() {
        let error = refusal(Array("A=1\n".utf8) + Array("NOTE=caf".utf8) + [0xE9] + Array("\nDATABASE_URL=postgresql://h/db\n".utf8))
        #expect(error == DotEnvFileError(path: ".env", line: 2, reason: .notUTF8))
        #expect(error?.description == ".env:2: not valid UTF-8")
        // Overlong forms, surrogates and truncated sequences are not UTF-8 either.
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xFF]] {
            #expect(refusal(Array("A=".utf8) + bad)?.reason == .notUTF8)
        }
        #expect(refusal(Array("# comment ".utf8) + [0xE9])?.reason == .notUTF8, "comments must be UTF-8 too")
    }

    @Test func refusesANULByteAnywhere() {
        #expect(refusal(Array("A=1\r\nB=x".utf8) + [0] + Array("y\n".utf8)) == DotEnvFileError(path: ".env", line: 2, reason: .containsNUL))
        #expect(refusal(Array("A=\"1\n".utf8) + [0] + Array("\"".utf8))?.line == 2)
    }

    @Test func refusesLinesThatAreNotAssignments() {
        let cases: [(String, Int)] = [
            ("A=1\npostgresql://app:secret@db/chat\n", 2),   // a value without a key
            ("A=1\nB\n", 2),                                  // a key without =
            ("A=1\n\nB=\"unterminated\nC=3\n", 3),            // the line the quote opened on
            ("A='x' trailing\n", 1),                          // text after a closing quote
            ("A=\"x\"y\n", 1),
            ("=value\n", 1),
            ("A B=1\n", 1),
            ("A:value\n", 1),                                 // the colon form needs a space
        ]
        for (text, line) in cases {
            let error = refusal(Array(text.utf8))
            #expect(error?.line == line, "\(text.debugDescription)")
            if case .malformed = error?.reason {} else { Issue.record("\(text.debugDescription) should be malformed, got \(String(describing: error))") }
        }
    }

    @Test func errorsNeverQuoteTheFile() {
        let error = refusal(Array("DATABASE_URL='postgresql://app:Sup3rS3cret@db/chat\n".utf8))
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains(".env:1"))
        #expect(!text.contains("Sup3rS3cret"))
    }

    // MARK: Files on disk

    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dotenv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aMissingFileIsNilButAnythingUnreadableIsAnError() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(".env").path
        #expect(try DotEnvFile.load(path: path) == nil)

        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: DotEnvFileError(path: path, line: nil, reason: .notARegularFile)) { try DotEnvFile.load(path: path) }
        try FileManager.default.removeItem(atPath: path)

        #expect(mkfifo(path, 0o644) == 0)
        #expect(throws: DotEnvFileError(path: path, line: nil, reason: .notARegularFile)) { try DotEnvFile.load(path: path) }
        try FileManager.default.removeItem(atPath: path)

        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path)   // a loop
        #expect(throws: DotEnvFileError.self) { try DotEnvFile.load(path: path) }
        try FileManager.default.removeItem(atPath: path)

        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder.appendingPathComponent("gone").path)
        #expect(throws: DotEnvFileError.self, "a broken link is a file that cannot be read, not a missing one") { try DotEnvFile.load(path: path) }
    }

    @Test(.enabled(if: getuid() != 0, "root reads files whatever their mode"))
    func aFileWithoutReadPermissionIsAnError() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(".env").path
        try "DATABASE_URL=postgresql://h/db\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0)
        #expect(throws: DotEnvFileError.self) { try DotEnvFile.load(path: path) }
    }

    @Test func resolutionRefusesABrokenDotEnvInsteadOfReportingNothingSet() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Array("NOTE=caf".utf8) + [0xE9] + Array("\nDATABASE_URL=postgresql://u@h/db\n".utf8))
            .write(to: folder.appendingPathComponent(".env"))
        #expect {
            try PGConfig.resolve(environment: [:], directory: folder.path)
        } throws: { error in
            guard let error = error as? PGError else { return false }
            return error.kind == .invalidConfiguration && error.message.contains(".env:1: not valid UTF-8")
        }
        // An explicit URL or DATABASE_URL in the environment does not need the file.
        #expect(try PGConfig.resolve(environment: ["DATABASE_URL": "postgresql://u@h/env"], directory: folder.path)?.config.database == "env")
    }

    @Test func resolutionNamesTheLineOfAnUnusableURL() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "A=1\nDATABASE_URL=mysql://root:hunter2@h/db\n".write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        #expect {
            try PGConfig.resolve(environment: [:], directory: folder.path)
        } throws: { error in
            guard let error = error as? PGError else { return false }
            return error.message.contains(".env:2") && !"\(error)".contains("hunter2")
        }
    }
}

/// The `.env` example in the README's Configuration section parses as it says.
@Suite struct DotEnvReadmeExampleTests {
    @Test func theReadmeExampleReadsAsDocumented() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "`.env` is read by `DotEnvFile`"))
        let start = try #require(readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let file = try DotEnvFile(parsing: Array(readme[start.upperBound..<end.lowerBound].utf8), path: ".env")
        #expect(file["DATABASE_URL"] == "postgresql://app:pa#ss@db/chat")
        #expect(file["APP_NAME"] == "chat api")
        #expect(file["GREETING"] == "line one\nline two")
        #expect(file["LITERAL"] == "no $expansion, no \\n escapes")
        #expect(file["EMPTY"] == "")
    }
}
