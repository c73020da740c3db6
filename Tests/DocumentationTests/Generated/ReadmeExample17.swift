// Generated from README.md (Swift example 17, line 682) by DocumentationTests.
// Do not edit: change README.md and run scripts/readme-examples.

import Foundation
import PGKit

func readmeExample17(conn: ReadmeConnection, pool: ReadmePool, db: ReadmeDatabase, config: ReadmeConfig, id: ReadmeUUID, userID: ReadmeUUID, sessionID: ReadmeUUID, email: String, texts: [String], notes: [ReadmeNote], floats: [Float], batch: [ReadmeMemoryInsert], ids: [ReadmeUUID], embedding: ReadmePGVector) async throws {
    struct Cents: PGCodable {
        var value: Int64
        static var pgDataType: PGDataType { .int8 }
        func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(value) }
        init(value: Int64) { self.value = value }
        init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: PGDecodingContext) throws(PGError) {
            value = try Int64(pgBytes: &buffer, type: type, context: context)
        }
    }
}
