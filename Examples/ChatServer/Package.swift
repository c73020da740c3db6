// swift-tools-version: 6.0
// A chat API server on PGKit: Hummingbird 2 over PGKit's chat repositories, with tracing,
// Prometheus metrics and graceful shutdown. Its own package, so the server's dependencies stay
// out of PGKit's build; it depends on PGKit by path (use a version in your own app).
import PackageDescription

let package = Package(
    name: "ChatServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "PGKit", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .executableTarget(
            name: "ChatServer",
            dependencies: [
                .product(name: "PGKit", package: "PGKit"),
                .product(name: "Repositories", package: "PGKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
