import ArgumentParser
import Foundation
import PGKit

/// `dbctl watch`: committed changes as they happen, one line each.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print committed changes as they happen (logical replication), one line each.",
        discussion: """
            Needs wal_level=logical (the local cluster and scripts/pg-cluster have it). Without \
            --publication, watches the publication dbctl_watch (every table; created when missing, \
            which takes a superuser). Without --slot the slot is temporary: it goes away with dbctl. \
            With --slot NAME it persists and dbctl acknowledges each transaction once printed, so a \
            restarted watch resumes after the last one the server received (drop it with --drop-slot). \
            While it runs, it warns on standard error when its slot falls more than --warn-lag behind the \
            server's WAL (the server keeps that WAL until dbctl has printed the changes).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Only changes to these tables (name or schema.name). Default: every table of the publication.", valueName: "table"))
    var tables: [String] = []

    @Flag(name: .customLong("json"), help: "One JSON object per change (operation, table, new and old values as text, commit position).")
    var json = false

    @Option(name: .customLong("slot"), help: ArgumentHelp("A persistent replication slot to read and resume from.", valueName: "name"))
    var slot: String?

    @Option(name: .customLong("publication"), help: ArgumentHelp("The publication to read. Default: dbctl_watch, for every table.", valueName: "name"))
    var publication: String?

    @Flag(name: .customLong("drop-slot"), help: "Drop the slot named by --slot and exit.")
    var dropSlot = false

    @Option(name: .customLong("warn-lag"), help: ArgumentHelp(
        "Warn on standard error when the slot is more than this far behind the server's WAL (kB, MB, GB; off: never).",
        valueName: "size"))
    var warnLag = ByteSizeArgument(bytes: 64 << 20)

    /// How often the slot's lag is read for --warn-lag.
    static let lagCheckInterval = Duration.seconds(2)

    func run() async throws {
        let config = try await database.resolve(.standardError, fallback: .localCluster)
        if dropSlot {
            guard let slot else { throw ValidationError("--drop-slot needs --slot NAME") }
            try await PGConnection.withConnection(config) { try await PGChangeStream.dropSlot(slot, on: $0) }
            return
        }
        let publicationName = publication ?? "dbctl_watch"
        if publication == nil {
            try await PGConnection.withConnection(config) { try await PGChangeStream.createPublication(publicationName, tables: nil, on: $0) }
        }
        let slotName = slot ?? "dbctl_watch_\(getpid())_\(UInt16.random(in: 0...UInt16.max))"
        let stream: PGChangeStream
        do {
            stream = try await PGChangeStream.connect(config, slot: slotName, publication: publicationName,
                                                      options: .init(temporarySlot: slot == nil, binaryValues: false))
        } catch let error as PGError {
            var message = "\(error)"
            // A local cluster started before dbctl set wal_level=logical gets it at its next start.
            if error.kind == .invalidConfiguration, message.contains("wal_level"), database.databaseURL == nil {
                message += " (for the local cluster: dbctl db stop, then dbctl db start)"
            }
            throw DBCtlFailure(message: message)
        }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let interrupts = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0) }
        for source in interrupts {
            source.setEventHandler { Task { await stream.close() } }
            source.resume()
        }
        FileHandle.standardError.write(Data("Watching \(tables.isEmpty ? "every table of \(publicationName)" : tables.joined(separator: ", ")) (slot \(slotName)); Ctrl-C stops.\n".utf8))
        let wanted = Set(tables)
        let lagWarnings = warnLag.bytes > 0
            ? Task { [warnLag] in await WatchLagWarning.watch(config, slot: slotName, threshold: warnLag.bytes, every: Self.lagCheckInterval) }
            : nil
        defer { lagWarnings?.cancel() }
        do {
            for try await event in stream {
                switch event {
                case .change(let change):
                    guard wanted.isEmpty || wanted.contains(change.table) || wanted.contains(change.relation.name) else { continue }
                    write(json ? WatchLine.json(change) : WatchLine.text(change))
                case .truncate(let truncate):
                    for relation in truncate.relations where wanted.isEmpty || wanted.contains(relation.qualifiedName) || wanted.contains(relation.name) {
                        write(json ? WatchLine.json(truncate: relation, truncate) : "truncate \(TerminalSafeText.escaping(relation.qualifiedName))")
                    }
                case .commit(let commit):
                    stream.acknowledge(commit)
                case .reconnected(let error):
                    FileHandle.standardError.write(Data("Reconnected after: \(error)\n".utf8))
                case .begin:
                    break
                }
            }
        } catch let error as PGError {
            throw DBCtlFailure(message: "\(error)")
        }
    }

    private func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// How `dbctl watch` prints a change.
enum WatchLine {
    /// `insert messages id=5 content='hi'`: the new values (the old key for a delete), escaped.
    static func text(_ change: PGRowChange) -> String {
        let row = change.operation == .delete ? change.oldRow : change.newRow
        var parts = [change.operation.rawValue, TerminalSafeText.escaping(change.table)]
        if let row {
            for (index, column) in change.relation.columns.enumerated() {
                if change.operation == .delete, !column.isKey, change.relation.replicaIdentity != .full { continue }
                let value: String
                if change.unchangedColumns.contains(column.name) { value = "(unchanged)" }
                else if row.isNull(index) { value = "NULL" }
                else { value = "'" + short(row.text(at: index) ?? "") + "'" }
                parts.append(TerminalSafeText.escaping(column.name) + "=" + TerminalSafeText.escaping(value))
            }
        }
        return parts.joined(separator: " ")
    }

    private static func short(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    struct Change: Encodable {
        let operation: String
        let table: String
        let new: [String: String?]?
        let old: [String: String?]?
        let unchanged: [String]
        let xid: UInt32
        let commitLsn: String
    }

    static func json(_ change: PGRowChange) -> String {
        func values(_ row: PGRow?) -> [String: String?]? {
            guard let row else { return nil }
            var values: [String: String?] = [:]
            for (index, column) in change.relation.columns.enumerated() {
                values[column.name] = .some(row.text(at: index))
            }
            return values
        }
        return encode(Change(operation: change.operation.rawValue, table: change.table, new: values(change.newRow), old: values(change.oldRow),
                             unchanged: change.unchangedColumns, xid: change.xid, commitLsn: change.commitLSN.description))
    }

    static func json(truncate relation: PGRelation, _ truncate: PGTruncate) -> String {
        encode(Change(operation: "truncate", table: relation.qualifiedName, new: nil, old: nil, unchanged: [], xid: truncate.xid,
                      commitLsn: truncate.commitLSN.description))
    }

    private static func encode(_ change: Change) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(change)) ?? Data("{}".utf8)
        return JSONOutput.escapingControls(String(decoding: data, as: UTF8.self))
    }
}
