// swift-tools-version:6.1
// PostgresNIO as a peer in the benchmark (docs/BENCHMARK_WORKLOADS.md), a package of its own so
// that PGKit never depends on it. Built and run only by `scripts/bench --peers`.
import PackageDescription

let package = Package(
    name: "PostgresNIOPeer",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.3"),
    ],
    targets: [
        .executableTarget(
            name: "postgresnio-bench",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/postgresnio-bench",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
