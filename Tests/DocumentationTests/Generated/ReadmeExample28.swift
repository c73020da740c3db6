// Generated from README.md (Swift example 28, line 1569) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import InMemoryTracing
import MetricsTestKit
import PGKit

func readmeExample28(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {

    let tracer = InMemoryTracer()
    let metrics = TestMetrics()
    var traced = try PGConfig("postgresql://localhost/chat_test")
    traced.observability = PGObservability(tracer: tracer, metricsFactory: metrics)
    try await PGConnection.withConnection(traced) { conn in _ = try await conn.query("SELECT 1") }
    let names = tracer.finishedSpans.map(\.operationName)                             // ["SELECT"]
    let timings = try metrics.expectTimer("pgkit_statement_duration", [("operation", "SELECT")]).values
}
