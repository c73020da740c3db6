import Foundation
import LocalPostgres
import PGKit
import PGKitTestSupport
import Testing

/// TLS against a server with a certificate the test makes: `verify-full` connects when the
/// host name matches and refuses when it does not.
@Suite(.serialized) struct TLSTests {
    func openssl(_ arguments: [String]) async throws {
        let result = try await CommandRun.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw PGError(.invalidConfiguration, "openssl failed: \(result.errorOutput)") }
    }

    @Test func verifyFullChecksTheCertificateAndTheHostName() async throws {
        try await ServerFaultTests.withCluster { cluster, config in
            let directory = cluster.directory.appendingPathComponent("tls")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = { (name: String) in directory.appendingPathComponent(name).path }
            try "subjectAltName=DNS:localhost\n".write(toFile: path("san.ext"), atomically: true, encoding: .utf8)
            try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.crt"),
                               "-days", "1", "-subj", "/CN=PGKit Test CA"])
            try await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"),
                               "-subj", "/CN=localhost"])
            try await openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                               "-CAcreateserial", "-out", path("server.crt"), "-days", "1", "-extfile", path("san.ext")])
            // The server reads its key as the postgres user and insists on 0600.
            if geteuid() == 0, let account = getpwnam("postgres") {
                for file in ["server.key", "server.crt"] { chown(path(file), account.pointee.pw_uid, account.pointee.pw_gid) }
            }
            chmod(path("server.key"), 0o600)
            let admin = try await PGConnection.connect(config)
            try await admin.executeScript("ALTER SYSTEM SET ssl_cert_file = '\(path("server.crt"))'")
            try await admin.executeScript("ALTER SYSTEM SET ssl_key_file = '\(path("server.key"))'")
            try await admin.executeScript("ALTER SYSTEM SET ssl = on")
            try await admin.query("SELECT pg_reload_conf()")
            await admin.close()
            try await Task.sleep(for: .milliseconds(300))

            var secure = config
            secure["host"] = "localhost"
            secure["sslmode"] = "verify-full"
            secure["sslrootcert"] = path("ca.crt")
            let conn = try await PGConnection.connect(secure)
            #expect(try await conn.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar(Bool.self) == true)
            // Replies watched for over TLS (the socket says nothing of what OpenSSL already
            // holds, so only the wait before a reply's first bytes spins): small and large
            // replies come back whole, on the connection's thread and from a task.
            try await conn.withConnectionThread {
                for step in 0..<200 {
                    #expect(try await conn.query("SELECT \(Int64(step))").scalar(Int64.self) == Int64(step))
                }
                let large = try await conn.query("SELECT g::int8, repeat('x', 100) FROM generate_series(1, 200000) g")
                #expect(large.count == 200_000)
                #expect(try large.reduce(Int64(0)) { $0 + (try $1.decode(Int64.self, at: 0)) } == 20_000_100_000)
            }
            #expect(try await conn.query("SELECT count(*) FROM generate_series(1, 100000)").scalar(Int64.self) == 100_000)
            await conn.close()

            // Same server, reached by an address the certificate does not name: refused.
            var wrongName = secure
            wrongName["host"] = "db.wrong.example"
            wrongName["hostaddr"] = "127.0.0.1"
            do {
                _ = try await PGConnection.connect(wrongName)
                Issue.record("a certificate for localhost must not be accepted for db.wrong.example")
            } catch let error as PGError {
                #expect(error.kind == .connectionFailed)
                #expect(error.message.contains("does not match host name"), "\(error.message)")
            }
            // And an unknown CA is refused too.
            var untrusted = secure
            untrusted["sslrootcert"] = "/etc/ssl/certs/ca-certificates.crt"
            await #expect(throws: PGError.self) { _ = try await PGConnection.connect(untrusted) }
        }
    }
}
