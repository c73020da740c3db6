import Foundation

/// What the kernel says about a TCP connection's data on its way to the server (`TCP_INFO`).
struct TCPAcknowledgementSample: Equatable, Sendable {
    /// Segments sent and not yet acknowledged.
    var unacknowledgedSegments: UInt32
    /// Window or keepalive probes sent and not answered.
    var unansweredProbes: UInt8
    /// How long ago the last acknowledgement arrived.
    var sinceLastAcknowledgement: Duration

    /// Whether something sent waits for the server's host to acknowledge it.
    var isWaitingForAcknowledgement: Bool { unacknowledgedSegments > 0 || unansweredProbes > 0 }

    /// The sample for `socket`, or nil when it is not a TCP socket (a Unix-domain socket, a
    /// closed descriptor).
    static func read(socket: Int32) -> TCPAcknowledgementSample? {
        var info = tcp_info()
        var length = socklen_t(MemoryLayout<tcp_info>.size)
        guard socket >= 0, getsockopt(socket, Int32(IPPROTO_TCP), Int32(TCP_INFO), &info, &length) == 0,
              Int(length) >= (MemoryLayout<tcp_info>.offset(of: \.tcpi_last_ack_recv) ?? 56) + 4 else { return nil }
        return TCPAcknowledgementSample(unacknowledgedSegments: info.tcpi_unacked, unansweredProbes: info.tcpi_probes,
                                        sinceLastAcknowledgement: .milliseconds(Int64(info.tcpi_last_ack_recv)))
    }
}

/// Decides when a connection's server has gone silent: data was sent and nothing at all has
/// been acknowledged for `limit` (a network partition, a host that vanished).
///
/// The kernel's own `tcp_user_timeout` cannot tell that apart from a server that is alive but
/// not reading (a COPY waiting for a row lock, a backend busy with an index, a pipeline sent
/// faster than it runs): Linux also counts the time the server's receive window stays closed,
/// though every probe is acknowledged, and kills a healthy connection. Here only the
/// acknowledgements count: a closed window whose probes are answered is not silence.
struct PeerSilence: Sendable {
    /// How long the server may acknowledge nothing while data waits for it.
    let limit: Duration
    /// Since when nothing sent has been acknowledged, as far as the samples show.
    private(set) var silentSince: ContinuousClock.Instant?

    init(limit: Duration) { self.limit = limit }

    /// Takes a sample made at `now`; true when the server has been silent for `limit`.
    mutating func observe(_ sample: TCPAcknowledgementSample, at now: ContinuousClock.Instant) -> Bool {
        guard sample.isWaitingForAcknowledgement else {
            silentSince = nil
            return false
        }
        let lastAcknowledgement = now - sample.sinceLastAcknowledgement
        if let since = silentSince {
            // Something was acknowledged since: the silence starts again from then.
            if lastAcknowledgement > since { silentSince = lastAcknowledgement }
        } else {
            // Data is waiting, and this is the first sample to see it: count from now, not from
            // the last acknowledgement (an idle connection's may be hours old).
            silentSince = now
        }
        return now - silentSince! >= limit
    }

    /// Forgets what earlier samples saw (a new statement starts).
    mutating func reset() { silentSince = nil }
}
