import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// The README's PGKit examples, run as written (only the setup around them differs).
@Suite struct ReadmeExamplesTests {
    static let database = SuiteDatabase("readme")

    struct User: Decodable { var id: UUID; var email: String; var name: String?; var createdAt: Date }
    struct Point: PGRowDecodable {
        var x: Int32, y: Int32
        init(row: PGRow) throws { (x, y) = try row.decode((Int32, Int32).self) }
    }
    struct Profile: Codable, Sendable { var name: String; var traits: [String] }
    enum Mood: String, PGEnum {                                  // CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')
        static let pgEnumTypeName = "mood"
        case sad, ok, happy
    }
    struct Cents: PGCodable {
        var value: Int64
        static var pgDataType: PGDataType { .int8 }
        func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(value) }
        init(value: Int64) { self.value = value }
        init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: PGDecodingContext) throws(PGError) {
            value = try Int64(pgBytes: &buffer, type: type, context: context)
        }
    }

    @Test func connectionsQueriesAndCodecsWorkAsDocumented() async throws {
        let config = try await Self.database.configuration()
        let setup = try await PGConnection.connect(config)
        try await setup.executeScript("""
            CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text UNIQUE, name text, created_at timestamptz DEFAULT now());
            CREATE TABLE IF NOT EXISTS sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid, expires_at timestamptz);
            CREATE TABLE IF NOT EXISTS messages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), content text);
            CREATE TABLE IF NOT EXISTS memories (id uuid, content text, embedding vector(384));
            CREATE TABLE IF NOT EXISTS character_files (id uuid, content jsonb);
            INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada') ON CONFLICT DO NOTHING;
            CREATE TABLE IF NOT EXISTS logins (id serial, address inet);
            CREATE TABLE IF NOT EXISTS bookings (slot int4range);
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TABLE IF NOT EXISTS people (name text, mood mood);
            INSERT INTO logins (address) VALUES ('192.168.0.7'), ('10.0.0.1');
            INSERT INTO bookings VALUES ('[10,12)');
            INSERT INTO people VALUES ('Ada', 'sad');
            """)
        await setup.close()

        let conn = try await PGConnection.connect(config)
        let email = "ada@example.com"
        let rows = try await conn.query("SELECT id, name, created_at FROM users WHERE email = \(email)")
        for row in rows {
            let (id, name, createdAt) = try row.decode((UUID, String, Date).self)
            _ = (id, name, createdAt)
        }
        let count = try await conn.query("SELECT count(*) FROM users WHERE created_at > $1", [Date(timeIntervalSinceNow: -86_400)])
            .scalar(Int.self)
        #expect(count == 1)
        let deleted = try await conn.execute("DELETE FROM sessions WHERE expires_at < now()")
        #expect(deleted == 0)

        let users = try await conn.query("SELECT * FROM users").decode(User.self)
        #expect(users.map(\.email) == [email])
        _ = try await conn.query("SELECT 1::int4, 2::int4").decode(Point.self)

        for try await row in conn.stream("SELECT id, content FROM messages") {
            let (id, content) = try row.decode((UUID, String).self)
            _ = (id, content)
        }

        let floats = (0..<384).map { Float($0 % 10) / 10 + 0.05 }
        let embedding = try PGVector(floats, dimensions: 384)
        _ = try await conn.query("""
            SELECT id, content, 1 - (embedding <=> \(embedding)) AS score
            FROM memories ORDER BY embedding <=> \(embedding) LIMIT 5
            """)
        let nearest = try await conn.transaction(.init(settings: ["hnsw.ef_search": "100"])) { tx in
            try await tx.query("SELECT id FROM memories ORDER BY embedding <=> \(embedding) LIMIT 10")
        }
        #expect(nearest.count <= 10)
        let id = UUID()
        try await conn.execute("UPDATE character_files SET content = \(PGJSONB(Profile(name: "Ada", traits: ["curious"]))) WHERE id = \(id)")
        #expect(try await conn.query("SELECT \(Cents(value: 250))::int8").scalar(Cents.self)?.value == 250)

        let office = try PGCIDR("192.168.0.0/24")
        let logins = try await conn.query("SELECT id FROM logins WHERE address << \(office)")
        #expect(logins.count == 1)
        let hours = try PGRange(Int32(9)..<17)                       // [9,17); Int32(9)...17 is [9,18)
        let clashes = try await conn.query("SELECT count(*) FROM bookings WHERE slot && \(hours)").scalar(Int.self)
        #expect(clashes == 1 && hours.description == "[9,17)")
        #expect(try PGRange(Int32(9)...17).description == "[9,18)")
        let search = try PGTSQuery("vector & (index | search:*)")   // 'vector' & ( 'index' | 'search':* )
        #expect(search.description == "'vector' & ( 'index' | 'search':* )")
        let hits = try await conn.query("SELECT id FROM messages WHERE to_tsvector('english', content) @@ \(search)")
        #expect(hits.isEmpty)
        try await conn.execute("UPDATE people SET mood = \(Mood.happy) WHERE name = 'Ada'")
        #expect(try await conn.query("SELECT mood FROM people").scalar(Mood.self) == .happy)
        let half = try PGHalfVector(floats)                           // rounded to Float16; NaN, ±inf, |x| > 65504 refused
        let sparse = try PGSparseVector(dimensions: 30_000, elements: [17: 0.5, 2_048: 1.25])
        #expect(half.dimensions == 384 && sparse.description == "{18:0.5,2049:1.25}/30000")

        let userID = try await conn.transaction { tx in
            let id = try await tx.query("INSERT INTO users (email) VALUES (\("grace@example.com")) RETURNING id").scalar(UUID.self)!
            try await tx.execute("INSERT INTO sessions (user_id) VALUES (\(id))")
            return id
        }
        _ = userID

        try await conn.executeScript("CREATE TABLE IF NOT EXISTS notes (id uuid, body text)")
        let ids = [users[0].id]
        try await conn.withConnectionThread {
            for id in ids { _ = try await conn.query("SELECT name FROM users WHERE id = \(id)") }
        }
        let texts = ["one", "two"]
        var pipeline = PGPipeline()
        for text in texts { pipeline.append("INSERT INTO notes (body) VALUES (\(text))") }
        let results = try await conn.execute(pipeline)
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        let insert = "INSERT INTO notes (body) VALUES ($1)"
        var batch = PGPipeline()
        for text in texts { batch.append(insert, [text]) }
        _ = try await conn.execute(batch)
        struct Note { var id: UUID; var body: String }
        let notes = [Note(id: UUID(), body: "three")]
        try await conn.copyIn(table: "notes", columns: ["id", "body"], rows: notes.map { [$0.id, $0.body] })
        try await conn.executeScript("CREATE UNIQUE INDEX IF NOT EXISTS notes_id ON notes (id)")
        let upsert = "INSERT INTO notes (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = $2"
        let affected = try await conn.executeMany(upsert, notes.map { [$0.id, $0.body] })   // also on PGPool
        #expect(affected == 1)
        #expect(try await conn.query("SELECT count(*) FROM notes").scalar(Int.self) == 5)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notes-\(UUID().uuidString).csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let file = FileHandle(forWritingAtPath: path)!
        try await conn.copyOut("COPY notes TO STDOUT (FORMAT csv, HEADER)") { file.write(Data($0)) }
        try file.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 6)
        try? FileManager.default.removeItem(atPath: path)

        do {
            try await conn.execute("INSERT INTO users (email) VALUES (\(email))")
            Issue.record("expected a unique violation")
        } catch let error as PGError where error.sqlState == .uniqueViolation {
            #expect(error.constraint == "users_email_key")
        }
        await conn.close()

        let pool = PGPool(config: config, configuration: PGPoolConfiguration(
            minConnections: 2, maxConnections: 10,
            acquireTimeout: .seconds(5), idleTimeout: .seconds(300), maxLifetime: .seconds(1800),
            healthCheckAfterIdle: .seconds(30)))
        let name = try await pool.query("SELECT name FROM users WHERE id = \(users[0].id)").scalar(String.self)
        #expect(name == "Ada")
        try await pool.withConnection { conn in _ = try await conn.query("SELECT 1") }
        try await pool.transaction(.init(isolation: .serializable, retry: .attempts(5))) { tx in
            _ = try await tx.query("SELECT count(*) FROM users")
        }
        _ = pool.statistics.description
        await pool.shutdown()
    }
}
