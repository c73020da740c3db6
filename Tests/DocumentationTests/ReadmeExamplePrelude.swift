import Foundation
import PGKit
import Repositories

// The types of the names README's examples use without defining (see ReadmeExampleFiles),
// as aliases so that an example's file needs no import of its own to mention them.
typealias ReadmeConnection = PGConnection
typealias ReadmePool = PGPool
typealias ReadmeDatabase = Database
typealias ReadmeConfig = PGConfig
typealias ReadmeUUID = UUID
typealias ReadmePGVector = PGVector
typealias ReadmeMemoryInsert = MemoryInsert

/// A row of the `notes` table several examples write.
struct ReadmeNote: Sendable {
    var id: UUID
    var body: String
}
