import Foundation
import Hummingbird

/// Any encodable value as a JSON response (PGKit's records are `Codable`).
struct JSONBody<Value: Encodable & Sendable>: ResponseEncodable, Encodable, Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A page of records and the cursor of the next one.
struct PageBody<Item: Encodable & Sendable>: Encodable, Sendable {
    let items: [Item]
    let nextCursor: String?
}
