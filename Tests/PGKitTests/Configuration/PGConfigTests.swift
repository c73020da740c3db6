@testable import PGKit
import Testing

@Suite struct PGConfigTests {
    @Test func parsesURLsWithEveryParameter() throws {
        let config = try PGConfig("postgresql://app:s3cr%40t@db.example.com:6432/chat?sslmode=require&connect_timeout=5&application_name=api")
        #expect(config.host == "db.example.com")
        #expect(config.port == 6432)
        #expect(config.user == "app")
        #expect(config.database == "chat")
        #expect(config["password"] == "s3cr@t")
        #expect(config["sslmode"] == "require")
        #expect(config["connect_timeout"] == "5")
        #expect(config["application_name"] == "api")
    }

    @Test func parsesMultipleHostsAndTargetSessionAttrs() throws {
        let config = try PGConfig("postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write")
        #expect(config["host"] == "h1,h2")
        #expect(config["port"] == "5432,5433")
        #expect(config["target_session_attrs"] == "read-write")
    }

    @Test func parsesKeyValueStrings() throws {
        let config = try PGConfig("host=localhost port=5433 dbname='my db' user=me password='it\\'s secret'")
        #expect(config.database == "my db")
        #expect(config["password"] == "it's secret")
        #expect(config.port == 5433)
    }

    @Test func takesPGKitSettingsOutOfTheString() throws {
        let url = try PGConfig("postgresql://u@h/db?pgbouncer=true&statement_cache_capacity=16&sslmode=disable")
        #expect(url.usesUnnamedStatements)
        #expect(url.statementCacheCapacity == 16)
        #expect(url["sslmode"] == "disable")
        #expect(try PGConfig("postgresql://u@h/db?query_timeout=1500ms").queryTimeout == .milliseconds(1500))
        #expect(try PGConfig("host=h query_timeout=2m").queryTimeout == .seconds(120))
        #expect(throws: PGError.self) { try PGConfig("host=h query_timeout=soon") }
        #expect(try PGConfig("host=h").queryTimeout == .seconds(300), "nothing waits forever by default")
        #expect(try PGConfig("host=h query_timeout=off").queryTimeout == nil)
        #expect(try PGConfig("host=h").replySpinLimit == .microseconds(200))
        #expect(try PGConfig("postgresql://u@h/db?reply_spin=50us").replySpinLimit == .microseconds(50))
        #expect(try PGConfig("host=h reply_spin=2ms").replySpinLimit == .milliseconds(2))
        #expect(try PGConfig("host=h reply_spin=off").replySpinLimit == nil)
        for bad in ["soon", "5s", "0us", "-3us", "2000000us"] {
            #expect(throws: PGError.self, "\(bad)") { try PGConfig("host=h reply_spin=\(bad)") }
        }
        #expect(try PGConfig("host=h reply_spin=50us")["reply_spin"] == nil, "a PGKit setting, not passed to libpq")
        #expect(try PGConfig("host=h").peerSilenceTimeout == .seconds(15))
        #expect(try PGConfig("host=h")["tcp_user_timeout"] == nil, "the kernel's timeout is not set for you")
        #expect(try PGConfig("postgresql://u@h/db?peer_silence_timeout=30s").peerSilenceTimeout == .seconds(30))
        #expect(try PGConfig("host=h peer_silence_timeout=2m").peerSilenceTimeout == .seconds(120))
        #expect(try PGConfig("host=h peer_silence_timeout=off").peerSilenceTimeout == nil)
        #expect(try PGConfig("host=h peer_silence_timeout=20")["peer_silence_timeout"] == nil, "a PGKit setting, not passed to libpq")
        for bad in ["soon", "500ms", "-1s"] {
            #expect(throws: PGError.self, "\(bad)") { try PGConfig("host=h peer_silence_timeout=\(bad)") }
        }
        #expect(try PGConfig("host=h tcp_user_timeout=5000")["tcp_user_timeout"] == "5000", "set by hand, it still reaches libpq")
        let keyValue = try PGConfig("host=h pgbouncer=true dbname=db")
        #expect(keyValue.usesUnnamedStatements)
        #expect(keyValue.database == "db")
    }

    @Test func descriptionAndErrorsNeverShowThePassword() throws {
        let config = try PGConfig("postgresql://app:hunter2@localhost/db")
        #expect(!config.description.contains("hunter2"))
        #expect(config.description.contains("password=********"))
        let badURLs = [
            "postgresql://app:hunter2@localhost/db?bogus_option=1",
            "postgresql://app:hunter2@local%zzhost/db",
            "host=localhost password=hunter2 nonsense",
            "host=localhost password='hunter2",
            "mysql://app:hunter2@localhost/db",
        ]
        for bad in badURLs {
            #expect {
                try PGConfig(bad)
            } throws: { error in
                guard let error = error as? PGError else { return false }
                return error.kind == .invalidConfiguration && !"\(error)".contains("hunter2")
            }
        }
    }

    @Test func urlRoundTripsThroughLibPQ() throws {
        let config = try PGConfig("host=localhost port=5432 user='a b' password='p@ss word' dbname=x sslmode=disable")
        let again = try PGConfig(config.url)
        #expect(again["user"] == "a b")
        #expect(again["password"] == "p@ss word")
        #expect(again["sslmode"] == "disable")
        #expect(again.database == "x")
    }

    @Test func resolvesExplicitThenEnvironmentThenDotEnv() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgkit-resolve-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "# comment\nexport DATABASE_URL=\"postgresql://dotenv@localhost/fromfile\"\n"
            .write(to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)

        let explicit = try #require(try PGConfig.resolve(explicit: "postgresql://x@h/explicit", environment: ["DATABASE_URL": "postgresql://e@h/env"], directory: directory.path))
        #expect(explicit.config.database == "explicit")
        #expect(explicit.source == .explicit)
        let environment = try #require(try PGConfig.resolve(environment: ["DATABASE_URL": "postgresql://e@h/env"], directory: directory.path))
        #expect(environment.config.database == "env")
        #expect(environment.source == .environment)
        let dotEnv = try #require(try PGConfig.resolve(environment: [:], directory: directory.path))
        #expect(dotEnv.config.database == "fromfile")
        #expect(dotEnv.source == .dotEnvFile(path: ".env"))
        #expect(try PGConfig.resolve(environment: [:], directory: "/nonexistent-dir") == nil)
    }
}

import Foundation
