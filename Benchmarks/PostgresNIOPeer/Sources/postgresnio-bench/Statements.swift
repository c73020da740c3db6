import Foundation
import PostgresNIO

/// The W1/W2/W6 point select as PostgresNIO's prepared statement: prepared once per
/// connection (by PostgresNIO, on first use), then Bind/Execute with a binary int8.
struct UserByID: PostgresPreparedStatement {
    // A fixed name: the default, `String(reflecting: Self.self)`, is computed on every call.
    static let name = "bench_user_by_id"
    static let sql = "SELECT id, email, name, created_at FROM bench_users WHERE id = $1"
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    typealias Row = (Int64, String, String, Date)

    var id: Int64

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// W4a's INSERT, prepared once on the connection.
struct InsertMessage: PostgresPreparedStatement {
    static let name = "bench_insert_message"
    static let sql = "INSERT INTO bench_messages_load (id, session_id, role, content, created_at) VALUES ($1, $2, $3, $4, $5)"
    static let bindingDataTypes: [PostgresDataType] = [.uuid, .uuid, .text, .text, .timestamptz]
    typealias Row = ()

    var message: BenchData.Message

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(message.id)
        bindings.append(message.sessionID)
        bindings.append(message.role)
        bindings.append(message.content)
        bindings.append(message.createdAt)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}

/// W5's kNN query. PostgresNIO has no pgvector type: the vector goes as text, cast on the
/// server (`$1::vector`), bound once and used in both places, as the workload says.
struct NearestMemories: PostgresPreparedStatement {
    static let name = "bench_nearest_memories"
    static let sql = "SELECT id, content, embedding <=> $1::vector AS distance FROM bench_memories_knn ORDER BY embedding <=> $1::vector LIMIT 10"
    static let bindingDataTypes: [PostgresDataType] = [.text]
    typealias Row = (Int64, String, Double)

    var vector: String

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(vector)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
