// The chat API server: configuration from the environment, Prometheus metrics bootstrapped
// before PGKit's pool exists (PGKit reads the backend when the pool is made), the database and
// the HTTP server in one ServiceGroup (SIGTERM: the server stops taking requests and finishes
// the ones in flight, then the pool drains and closes).
//
//   DATABASE_URL=postgresql://chat_app:...@127.0.0.1:5432/chat HOST=127.0.0.1 PORT=8080 swift run ChatServer
import Foundation
import Hummingbird
import Logging
import Metrics
import PGKit
import Prometheus
import Repositories

let environment = ProcessInfo.processInfo.environment
let logger = {
    var logger = Logger(label: "chat-server")
    logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}()

let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
// Tracing: bootstrap your exporter here (swift-otel's, for one) with InstrumentationSystem.bootstrap;
// PGKit's spans and Hummingbird's then share each request's trace.

guard let url = environment["DATABASE_URL"] else {
    logger.critical("set DATABASE_URL to the chat database, as the application role (see README.md)")
    exit(2)
}
var config = try PGConfig(url)
config.observability.dimensions = [("pool", "primary")]
let pool = PGPool(config: config, configuration: PGPoolConfiguration(
    maxConnections: Int(environment["POOL_SIZE"] ?? "") ?? 16, shutdownGracePeriod: .seconds(25)), logger: logger)
let database = Database(pool: pool, rowLevelSecurity: environment["ROW_LEVEL_SECURITY"] != "off")

let router = ChatAPI(database: database, metrics: registry).makeRouter()
let app = Application(
    router: router,
    configuration: .init(address: .hostname(environment["HOST"] ?? "127.0.0.1", port: Int(environment["PORT"] ?? "") ?? 8080)),
    services: [database],
    onServerRunning: { channel in logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"]) },
    logger: logger
)
try await app.runService()
logger.info("stopped")
