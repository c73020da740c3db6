import Foundation
import InMemoryTracing
import PGKit
import PGKitTestSupport
import Testing
import Tracing

/// Spans as a tracing backend sees them, from statements on a real server.
@Suite struct TracingTests {
    static let database = SuiteDatabase("tracing")

    func traced(_ tracer: InMemoryTracer, parameterValues: Bool = false) async throws -> PGConfig {
        var config = try await Self.database.configuration()
        config.observability = PGObservability(tracer: tracer, tracesParameterValues: parameterValues)
        return config
    }

    @Test func statementSpanIsAChildOfTheCallersSpanWithDatabaseAttributesAndNoValues() async throws {
        let tracer = InMemoryTracer()
        let config = try await traced(tracer)
        let secret = "s3cret-value-\(UUID())"
        try await PGConnection.withConnection(config) { conn in
            try await tracer.withSpan("handle request") { _ in
                _ = try await conn.query("SELECT \(secret)::text AS echoed")
            }
        }
        let spans = tracer.finishedSpans
        let request = try #require(spans.first { $0.operationName == "handle request" })
        let statement = try #require(spans.first { $0.operationName == "SELECT" })
        #expect(statement.parentSpanID == request.spanID)
        #expect(statement.traceID == request.traceID)
        #expect(statement.kind == .client)
        let attributes = statement.attributes
        #expect(attributes["db.system.name"]?.toSpanAttribute() == "postgresql")
        #expect(attributes["db.namespace"]?.toSpanAttribute() == .string(config.database!))
        #expect(attributes["db.operation.name"]?.toSpanAttribute() == "SELECT")
        #expect(attributes["db.query.text"]?.toSpanAttribute() == "SELECT $1::text AS echoed")
        #expect(attributes["server.port"]?.toSpanAttribute() == .int64(Int64(config.port!)))
        #expect(attributes["server.address"] != nil)
        var everything = ""
        attributes.forEach { key, value in everything += "\(key)=\(value)\n" }
        #expect(!everything.contains(secret))
        #expect(!everything.contains("db.query.parameter"))
    }

    @Test func failedStatementCarriesTheSQLStateButNotTheServersTextQuotingTheValue() async throws {
        let tracer = InMemoryTracer()
        let config = try await traced(tracer)
        let email = "ada-\(UUID())@example.com"
        try await PGConnection.withConnection(config) { conn in
            try await conn.executeScript("CREATE TEMP TABLE people (email text UNIQUE)")
            try await conn.execute("INSERT INTO people VALUES (\(email))")
            await #expect(throws: PGError.self) { try await conn.execute("INSERT INTO people VALUES (\(email))") }
        }
        let failed = try #require(tracer.finishedSpans.last { $0.operationName == "INSERT" })
        #expect(failed.attributes["error.type"]?.toSpanAttribute() == "23505")
        #expect(failed.attributes["db.response.status_code"]?.toSpanAttribute() == "23505")
        #expect(failed.status?.code == .error)
        let recorded = failed.errors.map { "\($0.error)" }.joined()
        #expect(recorded.contains("23505"))
        #expect(!recorded.contains(email))
        #expect(failed.status?.message?.contains(email) != true)
    }

    @Test func parameterValuesAppearOnlyWhenEnabled() async throws {
        let tracer = InMemoryTracer()
        let config = try await traced(tracer, parameterValues: true)
        try await PGConnection.withConnection(config) { conn in
            _ = try await conn.query("SELECT \(42)::int8")
        }
        let statement = try #require(tracer.finishedSpans.first { $0.operationName == "SELECT" })
        #expect(statement.attributes["db.query.parameter.0"]?.toSpanAttribute() == "42")
    }

    @Test func transactionSpanParentsItsStatementsAndThePoolTracesTheAcquire() async throws {
        let tracer = InMemoryTracer()
        let pool = PGPool(config: try await traced(tracer), configuration: .init(maxConnections: 1))
        try await pool.transaction { tx in
            _ = try await tx.query("SELECT 1")
        }
        await pool.shutdown()
        let spans = tracer.finishedSpans
        let transaction = try #require(spans.first { $0.operationName == "TRANSACTION" })
        let children = spans.filter { $0.parentSpanID == transaction.spanID }.map(\.operationName)
        #expect(children == ["BEGIN", "SELECT", "COMMIT"])
        let acquire = try #require(spans.first { $0.operationName == "pgkit.pool.acquire" })
        #expect(acquire.parentSpanID == nil)
    }

    @Test func statementsSharingAConnectionHaveASpanEachUnderTheirCaller() async throws {
        let tracer = InMemoryTracer()
        let pool = PGPool(config: try await traced(tracer), configuration: .init(maxConnections: 1, pipelinesStatements: true))
        _ = try await pool.query("SELECT 1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<8 {
                group.addTask {
                    try await tracer.withSpan("request \(caller)") { _ in
                        _ = try await pool.query("SELECT \(Int64(caller))::int8 AS n, pg_sleep(0.01)")
                    }
                }
            }
            try await group.waitForAll()
        }
        await pool.shutdown()
        let spans = tracer.finishedSpans
        for caller in 0..<8 {
            let request = try #require(spans.first { $0.operationName == "request \(caller)" })
            let statements = spans.filter { $0.parentSpanID == request.spanID }
            #expect(statements.map(\.operationName) == ["SELECT"], "caller \(caller)")
            #expect(statements.first?.attributes["db.pgkit.pipelined"]?.toSpanAttribute() == true)
            #expect(statements.first?.attributes["db.query.text"]?.toSpanAttribute() == "SELECT $1::int8 AS n, pg_sleep(0.01)")
        }
    }

    @Test func pipelineAndCopyHaveTheirOwnSpans() async throws {
        let tracer = InMemoryTracer()
        try await PGConnection.withConnection(try await traced(tracer)) { conn in
            var pipeline = PGPipeline()
            pipeline.append("SELECT 1")
            pipeline.append("SELECT 2")
            _ = try await conn.execute(pipeline)
            try await conn.executeScript("CREATE TEMP TABLE numbers (n int8)")
            try await conn.copyIn(table: "numbers", columns: ["n"], rows: [[1], [2]] as [[any PGEncodable]])
        }
        let spans = tracer.finishedSpans
        let pipeline = try #require(spans.first { $0.operationName == "PIPELINE" })
        #expect(pipeline.attributes["db.operation.batch.size"]?.toSpanAttribute() == 2)
        let copy = try #require(spans.first { $0.operationName == "COPY" })
        #expect(copy.attributes["db.collection.name"]?.toSpanAttribute() == "numbers")
    }

    @Test func disabledObservabilityRecordsNothingEvenWithATracer() async throws {
        // `disabled` wins over anything bootstrapped; a tracer given explicitly is the opposite case.
        var config = try await Self.database.configuration()
        config.observability = .disabled
        let tracer = InMemoryTracer()
        try await tracer.withSpan("outer") { _ in
            try await PGConnection.withConnection(config) { conn in _ = try await conn.query("SELECT 1") }
        }
        #expect(tracer.finishedSpans.map(\.operationName) == ["outer"])
    }
}
