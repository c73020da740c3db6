import Metrics

/// A change stream's metrics, per slot: the events it queued for its consumer
/// (`pgkit_change_stream_events` by `kind`: insert, update, delete, truncate, commit), its
/// reconnections (`pgkit_change_stream_reconnections`), and its slot's lag as the server
/// measures it (`pgkit_change_stream_lag_bytes`: the server's current WAL position minus the
/// slot's confirmed position, sampled every `Options.lagSampleInterval`). nil in the stream
/// when nothing records them.
final class ChangeStreamInstruments: Sendable {
    private let inserts, updates, deletes, truncates, commits, reconnections: Counter
    private let lag: Gauge

    private init(factory: any MetricsFactory, dimensions: [(String, String)]) {
        func events(_ kind: String) -> Counter {
            Counter(label: "pgkit_change_stream_events", dimensions: dimensions + [("kind", kind)], factory: factory)
        }
        inserts = events("insert")
        updates = events("update")
        deletes = events("delete")
        truncates = events("truncate")
        commits = events("commit")
        reconnections = Counter(label: "pgkit_change_stream_reconnections", dimensions: dimensions, factory: factory)
        lag = Gauge(label: "pgkit_change_stream_lag_bytes", dimensions: dimensions, factory: factory)
    }

    /// The instruments of a stream on `slot` opened with `config`, or nil when nothing records.
    static func make(for config: PGConfig, slot: String) -> ChangeStreamInstruments? {
        guard let factory = config.observability.resolvedMetricsFactory else { return nil }
        return ChangeStreamInstruments(factory: factory, dimensions: config.observability.dimensions + [("slot", slot)])
    }

    /// Counts an event queued for the consumer.
    func count(_ event: PGChangeEvent) {
        switch event {
        case .change(let change):
            switch change.operation {
            case .insert: inserts.increment()
            case .update: updates.increment()
            case .delete: deletes.increment()
            }
        case .truncate: truncates.increment()
        case .commit: commits.increment()
        case .begin, .reconnected: break
        }
    }

    func countReconnection() { reconnections.increment() }

    /// Records the slot's lag in bytes.
    func recordLag(_ bytes: Int64) { lag.record(bytes) }
}
