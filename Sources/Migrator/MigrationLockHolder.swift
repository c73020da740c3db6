import Foundation
import PGKit

/// The session holding the migration lock, as `pg_locks` and `pg_stat_activity` show it, for
/// the line "waiting for the migration lock, held by ...".
///
/// The lock is a session-level advisory lock: it belongs to the holder's connection and goes
/// when that connection ends, however it ends (a crash, a kill, a network cut once the server
/// notices). A dead deploy never leaves a stale lock behind.
public struct MigrationLockHolder: Sendable, Equatable, CustomStringConvertible {
    /// The holder's backend process id (`pg_terminate_backend(pid)` ends its session).
    public let pid: Int32
    /// Its `application_name`; empty when it set none.
    public let applicationName: String
    /// Its database role.
    public let user: String?
    /// Its client address, or `local socket`; nil when this role may not see it.
    public let clientAddress: String?
    /// When its session started: the lock was taken at or after this (dbctl takes it right
    /// after connecting); nil when this role may not see it.
    public let connectedAt: Date?
    /// How long ago that was, by the server's clock.
    public let connectedFor: Duration?
    /// Its state (`active`, `idle`, `idle in transaction`...); nil when this role may not see it.
    public let state: String?

    /// `pid 4242 (application_name "dbctl", user deploy, from 10.0.0.7, connected since
    /// 2026-12-01T10:00:00Z, 3 min 20 s ago, state active)`.
    public var description: String {
        var parts = [applicationName.isEmpty ? "no application_name" : "application_name \"\(applicationName)\""]
        if let user { parts.append("user \(user)") }
        if let clientAddress { parts.append("from \(clientAddress)") }
        if let connectedAt { parts.append("connected since \(ISO8601DateFormatter().string(from: connectedAt))") }
        if let connectedFor { parts.append("\(Self.text(connectedFor)) ago") }
        if let state { parts.append("state \(state)") }
        if connectedAt == nil { parts.append("more is shown to members of pg_read_all_stats") }
        return "pid \(pid) (\(parts.joined(separator: ", ")))"
    }

    /// "2 h 5 min", "3 min 20 s", "4 s".
    static func text(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        if seconds >= 3600 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        if seconds >= 60 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds) s"
    }

    /// The session that holds the advisory lock `key` in the current database, if any.
    static func find(key: Int64, on connection: PGConnection) async throws -> MigrationLockHolder? {
        // A bigint advisory key shows as its high half in classid, its low half in objid, objsubid 1.
        let high = Int64(UInt64(bitPattern: key) >> 32), low = Int64(UInt64(bitPattern: key) & 0xFFFF_FFFF)
        let rows = try await connection.query("""
            SELECT l.pid, coalesce(a.application_name, ''), a.usename::text,
                   CASE WHEN a.client_port = -1 THEN 'local socket' ELSE host(a.client_addr) END,
                   a.backend_start, extract(epoch FROM now() - a.backend_start)::float8, a.state
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.pid IS NOT NULL
              AND l.classid::bigint = \(high) AND l.objid::bigint = \(low)
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            LIMIT 1
            """)
        guard let row = rows.first else { return nil }
        let (pid, application, user, address, connectedAt, seconds, state) =
            try row.decode((Int32, String, String?, String?, Date?, Double?, String?).self)
        return MigrationLockHolder(pid: pid, applicationName: application, user: user, clientAddress: address,
                                   connectedAt: connectedAt, connectedFor: seconds.map { .milliseconds(Int64($0 * 1000)) }, state: state)
    }
}
