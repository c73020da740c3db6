import Foundation

/// A logical replication slot as the server reports it, with how far behind its consumer is.
public struct PGReplicationSlotStatus: Sendable, Hashable {
    /// The slot's name.
    public var name: String
    /// Its output plugin (`pgoutput` for PGKit's).
    public var plugin: String
    /// Whether a consumer is streaming from it now.
    public var isActive: Bool
    /// Whether it goes away with its connection.
    public var isTemporary: Bool
    /// The last position the consumer confirmed.
    public var confirmedLSN: PGLSN?
    /// Bytes of WAL written since the confirmed position: how far behind the consumer is.
    public var lagBytes: Int64
    /// Bytes of WAL the server keeps for this slot (from its restart position).
    public var retainedBytes: Int64
    /// The time between a change being flushed on the server and the consumer confirming it,
    /// as the server last measured it (active slots only).
    public var flushLag: Duration?
    /// The server's word on the WAL it keeps (`reserved`, `extended`, `unreserved`, `lost`).
    public var walStatus: String?

    /// Whether the consumer is more than `bytes` behind.
    public func isLagging(beyond bytes: Int64) -> Bool { lagBytes > bytes }
}

extension PGChangeStream {
    /// Every logical slot of the server (lag included), by name.
    public static func slots(on db: some PGQueryable) async throws -> [PGReplicationSlotStatus] {
        let rows = try await db.query("""
            SELECT s.slot_name::text, s.plugin::text, s.active, s.temporary, s.confirmed_flush_lsn::text,
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn), 0)::int8,
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn), 0)::int8,
                   extract(epoch FROM r.flush_lag)::float8, s.wal_status::text
            FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
            WHERE s.slot_type = 'logical' ORDER BY s.slot_name
            """)
        return try rows.map { row in
            let (name, plugin, active, temporary, confirmed, lag, retained, flushLag, walStatus)
                = try row.decode((String, String, Bool, Bool, String?, Int64, Int64, Double?, String?).self)
            return PGReplicationSlotStatus(
                name: name, plugin: plugin, isActive: active, isTemporary: temporary, confirmedLSN: confirmed.flatMap(PGLSN.init),
                lagBytes: lag, retainedBytes: retained, flushLag: flushLag.map { .milliseconds(Int64(($0 * 1000).rounded())) },
                walStatus: walStatus)
        }
    }

    /// Drops the slot `name` (the WAL it kept is released); nothing when there is none. A
    /// consumer that is disconnecting (its server process not yet gone) is waited for, up to
    /// `wait`; one still streaming after that makes it fail (SQLSTATE 55006).
    public static func dropSlot(_ name: String, on db: some PGQueryable, wait: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + wait
        while true {
            do {
                try await db.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = \(name)")
                return
            } catch let error as PGError where error.sqlState == PGSQLState(rawValue: "55006") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Creates the publication `name` for `tables` (every table when nil, which takes a
    /// superuser) unless it exists. Tables are `name` or `schema.name`.
    public static func createPublication(_ name: String, tables: [String]?, on db: some PGQueryable) async throws {
        if try await db.query("SELECT 1 FROM pg_publication WHERE pubname = \(name)").count == 1 { return }
        let target = tables.map { "TABLE " + $0.map(PGQuery.quoteQualifiedName).joined(separator: ", ") } ?? "ALL TABLES"
        do {
            let sql: String = "CREATE PUBLICATION \(PGQuery.quoteIdentifier(name)) FOR \(target)"
            try await db.execute(PGQuery(sql))
        } catch let error as PGError where error.sqlState == PGSQLState(rawValue: "42710") || error.sqlState == PGSQLState(rawValue: "23505") {
            // Created meanwhile (concurrent creators get either error).
        }
    }
}
