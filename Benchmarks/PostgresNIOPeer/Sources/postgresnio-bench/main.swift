import Foundation
import PostgresNIO

// postgresnio-bench URL W1|W2|W3|W4|W5|W6: docs/BENCHMARK_WORKLOADS.md through PostgresNIO,
// one JSON line per result, as pgkit-bench and bench-libpq print them. The tables are those
// `pgkit-bench setup` makes. URL: postgresql://user[:password]@host:port/database (no TLS).
// POSTGRESNIO_BENCH_NIO_EXECUTOR=1 first makes NIO's event loops Swift Concurrency's global
// executor (what Vapor's template offers, off by default there and here), so that tasks and the
// connections' I/O share threads instead of handing over at every statement.
if ProcessInfo.processInfo.environment["POSTGRESNIO_BENCH_NIO_EXECUTOR"] == "1",
   !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
    FileHandle.standardError.write(Data("postgresnio-bench: could not install NIO as the global executor\n".utf8))
    exit(1)
}
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    guard arguments.count == 2, let url = URLComponents(string: arguments[0]), let host = url.host else {
        FileHandle.standardError.write(Data("usage: postgresnio-bench postgresql://user@host:port/database W1|W2|W3|W4|W5|W6\n".utf8))
        exit(2)
    }
    let user = url.user ?? "postgres", password = url.password, port = url.port ?? 5432
    let database = url.path.isEmpty ? user : String(url.path.dropFirst())
    let connection = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                      database: database, tls: .disable)
    let client = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                              database: database, tls: .disable)
    switch arguments[1] {
    case "W1": try await Workloads.w1(connection)
    case "W2": try await Workloads.w2(client)
    case "W3": try await Workloads.w3(connection)
    case "W4": try await Workloads.w4(connection)
    case "W5": try await Workloads.w5(connection)
    case "W6": try await Workloads.w6(client)
    default: throw BenchError("unknown workload \(arguments[1])")
    }
} catch {
    FileHandle.standardError.write(Data("postgresnio-bench: \(String(reflecting: error))\n".utf8))
    exit(1)
}
