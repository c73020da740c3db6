import Foundation
import PGKit

/// One page of rows and the cursor for the next one (nil on the last page).
public struct Page<Record: Sendable>: Sendable {
    public let items: [Record]
    /// Pass to the next call's `after:` to continue; nil when there is nothing more.
    public let nextCursor: String?
}

extension Page: Equatable where Record: Equatable {}

/// How to order and size a page. The limit is capped at 100.
public struct PageRequest: Sendable {
    public static let maximumLimit = 100

    public var limit: Int
    /// The cursor from the previous page.
    public var after: String?

    public init(limit: Int = 20, after: String? = nil) {
        self.limit = min(max(limit, 1), Self.maximumLimit)
        self.after = after
    }
}

/// A sort order on one column, always tied-broken by the primary key so paging is stable.
public struct RecordOrder: Sendable, Equatable {
    public var column: String
    public var descending: Bool

    public init(_ column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}

/// An opaque keyset cursor: the sort column, direction, the last row's sort value (as the
/// server prints it) and its key. It is only ever bound as parameters, so a tampered cursor can
/// at worst fail to parse: `RepositoryError.invalidCursor`.
struct PageCursor: Codable, Equatable {
    var column: String
    var descending: Bool
    var value: String?
    var key: String

    func encoded() -> String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) throws(RepositoryError) -> PageCursor {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count < 4096, let data = Data(base64Encoded: base64),
              let cursor = try? JSONDecoder().decode(PageCursor.self, from: data) else { throw .invalidCursor }
        return cursor
    }
}
