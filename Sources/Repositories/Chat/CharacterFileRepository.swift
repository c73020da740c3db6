import Foundation
import PGKit

/// Character files: one JSON document per session, upserted.
public struct CharacterFileRepository: Sendable {
    let context: RepositoryContext

    /// Stores `content` as the session's character file, replacing any earlier one.
    @discardableResult
    public func upsert(sessionId: UUID, content: PGJSONValue) async throws -> CharacterFile {
        try await ConstraintErrors.translating(["session_id": sessionId.uuidString]) {
            let rows = try await context.executor.query("""
                INSERT INTO character_files (session_id, content) VALUES (\(sessionId), \(content))
                ON CONFLICT (session_id) DO UPDATE SET content = EXCLUDED.content
                RETURNING \(unescaped: CharacterFile.selectList)
                """)
            return try CharacterFile(row: rows.first!)
        }
    }

    /// Stores any `Codable` value as the session's character file.
    @discardableResult
    public func upsert<Content: Encodable>(sessionId: UUID, encoding content: Content) async throws -> CharacterFile {
        let data = try JSONEncoder().encode(content)
        return try await upsert(sessionId: sessionId, content: try JSONDecoder().decode(PGJSONValue.self, from: data))
    }

    public func find(sessionId: UUID) async throws -> CharacterFile? {
        let rows = try await LiveReads.declaring([.rows(of: "character_files", where: [.equals("session_id", sessionId)])]) {
            try await context.executor.query("SELECT \(unescaped: CharacterFile.selectList) FROM character_files WHERE session_id = \(sessionId)")
        }
        return try rows.first.map(CharacterFile.init(row:))
    }

    public func delete(sessionId: UUID) async throws {
        let deleted = try await context.executor.execute("DELETE FROM character_files WHERE session_id = \(sessionId)")
        if deleted == 0 { throw RepositoryError.notFound(table: CharacterFile.tableName, id: sessionId.uuidString) }
    }
}
