// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "PGKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PGKit", targets: ["PGKit"]),
        .library(name: "LocalPostgres", targets: ["LocalPostgres"]),
        .library(name: "Migrator", targets: ["Migrator"]),
        .library(name: "Repositories", targets: ["Repositories"]),
        .library(name: "PGKitTesting", targets: ["PGKitTesting"]),
        .executable(name: "dbctl", targets: ["dbctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Observability and lifecycle: light packages every Swift server already links.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "PGKit",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "LocalPostgres", dependencies: ["PGKit"]),
        .target(name: "Migrator", dependencies: ["PGKit"]),
        .target(name: "ModelGenerator", dependencies: ["PGKit"]),
        .target(name: "Studio", dependencies: ["PGKit"]),
        .target(name: "Repositories", dependencies: ["PGKit", "LocalPostgres", .product(name: "Logging", package: "swift-log"),
                                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .target(name: "PGKitTesting", dependencies: ["PGKit", "LocalPostgres", "Migrator", "Repositories"]),
        .executableTarget(
            name: "dbctl",
            dependencies: [
                "PGKit", "LocalPostgres", "Migrator", "ModelGenerator", "Repositories", "Studio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "pgkit-bench", dependencies: ["PGKit", "Repositories", "Migrator"], path: "Benchmarks/PGKitBench"),
        .executableTarget(name: "pgkit-soak", dependencies: ["PGKit", "LocalPostgres", "Migrator", "Repositories"], path: "Benchmarks/PGKitSoak"),
        .executableTarget(name: "bench-libpq", dependencies: ["CLibPQ"], path: "Benchmarks/LibPQBaseline"),
        .executableTarget(name: "pgkit-fault-probe", dependencies: ["PGKit"], path: "Tests/FaultProbe"),
        // A ServiceGroup with a pool and in-flight work, for the SIGTERM test.
        .executableTarget(name: "pgkit-lifecycle-probe", dependencies: [
            "PGKit", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Tests/LifecycleProbe"),
        .target(name: "PGKitTestSupport", dependencies: ["PGKit", "LocalPostgres"], path: "Tests/Support"),
        .testTarget(name: "PGKitTests", dependencies: ["PGKit"]),
        .testTarget(name: "PGKitIntegrationTests", dependencies: [
            "PGKit", "PGKitTestSupport", "pgkit-lifecycle-probe",
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "MigratorTests", dependencies: ["Migrator", "PGKit", "PGKitTestSupport"]),
        .testTarget(name: "RepositoriesTests", dependencies: ["Repositories", "Migrator", "PGKit", "PGKitTestSupport", "LocalPostgres", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "DBCtlTests", dependencies: ["dbctl", "Migrator", "PGKit", "PGKitTestSupport"]),
        .testTarget(name: "ReplicationTests", dependencies: ["PGKit", "Repositories", "Migrator", "PGKitTestSupport"]),
        .testTarget(name: "StudioTests", dependencies: ["Studio", "PGKit", "PGKitTestSupport", "Migrator", "Repositories"]),
        .testTarget(name: "ModelGeneratorTests", dependencies: ["ModelGenerator"]),
        .testTarget(name: "CheckedQueryTests", dependencies: ["ModelGenerator", "PGKit", "Migrator", "Repositories", "PGKitTestSupport"],
                    exclude: ["queries"]),
        // README.md's Swift blocks, compiled as printed (generated into Generated/; warnings
        // such as an example's unused `let` are not ours to fix).
        .testTarget(name: "DocumentationTests", dependencies: [
                        "PGKit", "Repositories", "LocalPostgres", "PGKitTesting", "PGKitTestSupport",
                        .product(name: "Logging", package: "swift-log"),
                        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                        .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                        .product(name: "MetricsTestKit", package: "swift-metrics"),
                    ],
                    swiftSettings: [.unsafeFlags(["-suppress-warnings"])]),
        .testTarget(name: "FaultToleranceTests", dependencies: ["LocalPostgres", "PGKit", "PGKitTestSupport", "pgkit-fault-probe"]),
        .testTarget(name: "LocalPostgresTests", dependencies: ["LocalPostgres", "PGKit"]),
    ],
    swiftLanguageModes: [.v6]
)
