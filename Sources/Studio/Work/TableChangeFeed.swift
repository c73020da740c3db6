import Foundation
import PGKit
import Synchronization

/// Which tables other sessions committed changes to, from a `PGChangeStream` on a temporary
/// slot (it goes away with the studio): the key loop takes the names and refreshes the open
/// table. Started in the background, since creating a slot waits for the transactions running
/// in the cluster. When the server or the role cannot stream changes (wal_level is not
/// logical, no REPLICATION, no publication and no right to create one), it says why and the
/// studio works without it.
final class TableChangeFeed: Sendable {
    /// `dbctl watch`'s publication for every table: read when it exists.
    static let watchPublication = "dbctl_watch"
    /// The studio's own publication, for the tables it can publish without side effects.
    static let studioPublication = "dbctl_studio"

    private struct Shared {
        var status: LiveRefresh = .starting
        var changed: Set<String> = []
        var stream: PGChangeStream?
        var closed = false
    }

    private let shared = Mutex(Shared())
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init() {}

    /// Starts following committed changes for `config`'s database, reading `publication`
    /// (nil: `dbctl_watch` if it exists, else `dbctl_studio`, made for the tables the role owns
    /// that have a primary key or replica identity, else a publication that exists).
    static func start(_ config: PGConfig, publication: String?) -> TableChangeFeed {
        let feed = TableChangeFeed()
        let task = Task { await feed.run(config, publication: publication) }
        feed.task.withLock { $0 = task }
        return feed
    }

    /// Whether it works, or why not.
    var status: LiveRefresh { shared.withLock { $0.status } }

    /// The tables changed since the last call (names as the studio shows them: `name` in
    /// `public`, `schema.name` elsewhere).
    func takeChanges() -> Set<String> {
        shared.withLock { shared in
            defer { shared.changed = [] }
            return shared.changed
        }
    }

    /// Stops following (the temporary slot goes with the connection).
    func close() async {
        let stream = shared.withLock { shared -> PGChangeStream? in
            shared.closed = true
            return shared.stream
        }
        task.withLock { $0 }?.cancel()
        await stream?.close()
    }

    private func set(_ status: LiveRefresh) {
        shared.withLock { $0.status = status }
    }

    private func run(_ config: PGConfig, publication: String?) async {
        let source: (publication: String, tables: Set<String>?)
        do {
            guard let found = try await Self.prepare(config, publication: publication, report: set) else { return }
            source = found
        } catch {
            set(.off(reason: Self.reason(error)))
            return
        }
        let slot = "dbctl_studio_\(getpid())_\(UInt16.random(in: 0...UInt16.max))"
        let stream: PGChangeStream
        do {
            stream = try await PGChangeStream.connect(config, slot: slot, publication: source.publication,
                                                      options: .init(temporarySlot: true, binaryValues: false))
        } catch {
            set(.off(reason: Self.reason(error)))
            return
        }
        let closed = shared.withLock { shared -> Bool in
            shared.stream = stream
            if !shared.closed { shared.status = .on(publication: source.publication, tables: source.tables) }
            return shared.closed
        }
        if closed {
            await stream.close()
            return
        }
        var pending: Set<String> = []
        do {
            for try await event in stream {
                switch event {
                case .change(let change): pending.insert(change.table)
                case .truncate(let truncate): pending.formUnion(truncate.relations.map(\.qualifiedName))
                case .commit(let commit):
                    stream.acknowledge(commit)
                    if !pending.isEmpty {
                        let committed = pending
                        shared.withLock { $0.changed.formUnion(committed) }
                        pending = []
                    }
                case .begin, .reconnected:
                    break
                }
            }
            if !shared.withLock({ $0.closed }) { set(.off(reason: "the change stream ended")) }
        } catch {
            if !shared.withLock({ $0.closed }) { set(.off(reason: "the change stream failed: \(Self.reason(error))")) }
        }
    }

    /// Checks what streaming needs and finds the publication; nil (with the status set) when
    /// something is missing. In order: `publication` when given; `dbctl_watch` (every table)
    /// when it exists; `dbctl_studio`, created for (or extended to) the tables of `public` the
    /// role owns that have a replica identity, never for every table: a publication for every
    /// table makes UPDATE and DELETE fail on tables without a primary key; else the publication
    /// with the most tables.
    private static func prepare(_ config: PGConfig, publication: String?,
                                report: (LiveRefresh) -> Void) async throws -> (publication: String, tables: Set<String>?)? {
        try await PGConnection.withConnection(config) { conn in
            let level = try await conn.query("SELECT current_setting('wal_level')").scalar(String.self) ?? "?"
            guard level == "logical" else {
                report(.off(reason: "wal_level is \(level), not logical (set it and restart the server)"))
                return nil
            }
            let (role, mayReplicate) = try await conn.query(
                "SELECT current_user::text, rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user"
            ).first?.decode((String, Bool).self) ?? ("?", false)
            guard mayReplicate else {
                report(.off(reason: "role \(role) has no REPLICATION attribute"))
                return nil
            }
            func exists(_ name: String) async throws -> Bool {
                try await conn.query("SELECT 1 FROM pg_publication WHERE pubname = \(name)").count == 1
            }
            if let publication {
                guard try await exists(publication) else {
                    report(.off(reason: "no publication \(publication)"))
                    return nil
                }
                return (publication, try await tables(of: publication, on: conn))
            }
            if try await exists(watchPublication) { return (watchPublication, try await tables(of: watchPublication, on: conn)) }
            let publishable = Set(try await conn.query("""
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition
                  AND pg_has_role(c.relowner, 'USAGE')
                  AND (c.relreplident IN ('f', 'i')
                       OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
                """).map { try $0.decode(String.self, at: 0) })
            do {
                if try await exists(studioPublication) {
                    let missing = publishable.subtracting(try await tables(of: studioPublication, on: conn) ?? publishable)
                    if !missing.isEmpty {
                        let list = missing.sorted().map(PGQuery.quoteIdentifier).joined(separator: ", ")
                        let sql: String = "ALTER PUBLICATION \(PGQuery.quoteIdentifier(studioPublication)) ADD TABLE \(list)"
                        try await conn.execute(PGQuery(sql))
                    }
                    return (studioPublication, try await tables(of: studioPublication, on: conn))
                }
                if !publishable.isEmpty {
                    let list = publishable.sorted().map(PGQuery.quoteIdentifier).joined(separator: ", ")
                    do {
                        let sql: String = "CREATE PUBLICATION \(PGQuery.quoteIdentifier(studioPublication)) FOR TABLE \(list)"
                        try await conn.execute(PGQuery(sql))
                    } catch let error as PGError where error.sqlState == PGSQLState(rawValue: "42710") || error.sqlState == PGSQLState(rawValue: "23505") {
                        // Another studio created it meanwhile.
                    }
                    return (studioPublication, try await tables(of: studioPublication, on: conn))
                }
            } catch let error as PGError where error.sqlState == .insufficientPrivilege {
                // Not allowed here: any publication there is will do for its tables.
            }
            if try await exists(studioPublication) { return (studioPublication, try await tables(of: studioPublication, on: conn)) }
            guard let other = try await conn.query("""
                SELECT p.pubname::text FROM pg_publication p
                ORDER BY p.puballtables DESC,
                         (SELECT count(*) FROM pg_publication_tables t WHERE t.pubname = p.pubname) DESC, p.pubname
                LIMIT 1
                """).scalar(String.self) else {
                report(.off(reason: "no publication, and \(role) may not create \(studioPublication) (it takes CREATE on the database and owning the tables)"))
                return nil
            }
            return (other, try await tables(of: other, on: conn))
        }
    }

    /// The tables `publication` covers, as the studio names them; nil when it covers all.
    private static func tables(of publication: String, on conn: PGConnection) async throws -> Set<String>? {
        if try await conn.query("SELECT puballtables FROM pg_publication WHERE pubname = \(publication)").scalar(Bool.self) == true {
            return nil
        }
        let rows = try await conn.query("""
            SELECT CASE WHEN schemaname = 'public' THEN tablename::text ELSE schemaname || '.' || tablename END
            FROM pg_publication_tables WHERE pubname = \(publication)
            """)
        return Set(try rows.map { try $0.decode(String.self, at: 0) })
    }

    /// An error in a few words for the status line.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PGError else { return "\(error)" }
        let text = error.message.split(separator: "\n").first.map(String.init) ?? "\(error.kind)"
        return error.sqlState.map { "\(text) (SQLSTATE \($0.rawValue))" } ?? text
    }
}
