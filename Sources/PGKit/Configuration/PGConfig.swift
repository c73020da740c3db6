import CLibPQ
import Foundation

/// Where and how to connect: every libpq connection parameter, plus PGKit's own settings.
///
/// Accepts `postgresql://` and `postgres://` URLs and libpq `key=value` strings; libpq itself
/// validates them, so every parameter it knows passes through (sslmode, connect_timeout,
/// target_session_attrs, application_name, several hosts...):
/// ```swift
/// let config = try PGConfig("postgresql://app:secret@db1:5432,db2:5432/chat?sslmode=require")
/// print(config)   // the password is shown as ********
/// ```
/// PGKit's own settings may also be given in the string: `pgbouncer=true` (unnamed statements
/// only, for PgBouncer in transaction mode) and `statement_cache_capacity=N`.
public struct PGConfig: Sendable, CustomStringConvertible {
    /// One libpq connection parameter.
    public struct Parameter: Sendable, Hashable {
        public var key: String
        public var value: String
    }

    /// The libpq parameters, in the order libpq reports them.
    public private(set) var parameters: [Parameter]

    /// How many prepared statements each connection keeps (least recently used are deallocated).
    public var statementCacheCapacity: Int = 256
    /// Use only unnamed statements and no session state, as PgBouncer's transaction mode needs.
    public var usesUnnamedStatements: Bool = false
    /// Log parameter values with each query at debug level. Off by default: values may be secrets.
    public var logsParameterValues: Bool = false
    /// The longest a statement may wait for the server (URL: `query_timeout=30s`, `500ms`, `10m`,
    /// or `off`). When it passes, PGKit sends a cancel request (the statement fails with
    /// `queryCanceled`); if the server still does not answer (a hung or stopped backend, a dead
    /// peer that TCP keepalives cannot see), the connection is closed and the caller gets
    /// `.timedOut`. Five minutes by default, so nothing waits forever; the migrator turns it off.
    public var queryTimeout: Duration? = .seconds(300)
    /// How long the server's host may acknowledge nothing PGKit sent while a statement runs
    /// (a network partition, a vanished host) before the connection is closed and the statement
    /// fails with `.connectionLost` (URL: `peer_silence_timeout=15s`, or `off`). Fifteen seconds
    /// by default. Unlike libpq's `tcp_user_timeout` (still passed on when a URL sets it), a
    /// server that acknowledges but does not read yet (a COPY waiting for a lock, a busy
    /// backend) is not silent. TCP only; a Unix-domain socket has no such check. While the
    /// server's window stays closed the kernel's probes back off (up to two minutes apart):
    /// a host that vanishes then is noticed after its first unanswered probe plus the limit.
    public var peerSilenceTimeout: Duration? = .seconds(15)
    /// The schema to use (URL: `schema=chat`, as Prisma's URLs say it): sessions start with
    /// `search_path` set to it, and dbctl migrates and generates it. nil: the server's default.
    public var schema: String?
    /// How many connections a pool opened with this configuration holds at most, unless its
    /// `PGPoolConfiguration` says (URL: `connection_limit=N`, Prisma's name).
    public var poolSize: Int?
    /// How long a pool's caller waits for a connection, unless its `PGPoolConfiguration` says
    /// (URL: `pool_timeout=S` in seconds, Prisma's name; 0 waits without limit).
    public var poolAcquireTimeout: Duration?
    /// Where spans and metrics go (by default, the bootstrapped tracer and metrics backend).
    public var observability = PGObservability()
    /// How long a connection watches its socket for a statement's reply before it sleeps in
    /// the kernel (URL: `reply_spin=200us`, `1ms`, or `off`; at most 1 s). A fast reply caught
    /// so costs no thread wake-up, which on a virtual machine can take longer than the
    /// statement. Only a statement that is the process's only one waiting spins, and only
    /// while replies come that fast; nil or zero: always sleep at once, as libpq does.
    public var replySpinLimit: Duration? = .microseconds(200)

    /// Parses a URL or `key=value` string. Errors never contain the password.
    public init(_ connectionString: String) throws(PGError) {
        let secrets = ConnectionStringSecrets.find(in: connectionString)
        var pgkitSettings: [String: String] = [:]
        let libpqString = try ConnectionStringOptions.extract(
            PGConfig.pgkitKeys, from: connectionString, into: &pgkitSettings, secrets: secrets)
        parameters = try Self.parseWithLibPQ(libpqString, secrets: secrets)
        try apply(pgkitSettings)
    }

    /// Builds a configuration from individual values.
    public init(host: String = "localhost", port: Int = 5432, user: String, password: String? = nil,
                database: String, options: [String: String] = [:]) {
        parameters = [Parameter(key: "host", value: host), Parameter(key: "port", value: String(port)),
                      Parameter(key: "user", value: user), Parameter(key: "dbname", value: database)]
        if let password { parameters.append(Parameter(key: "password", value: password)) }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) { self[key] = value }
    }

    /// A libpq parameter's value, or nil when unset. Setting nil removes it.
    public subscript(key: String) -> String? {
        get { parameters.last(where: { $0.key == key })?.value }
        set {
            parameters.removeAll { $0.key == key }
            if let newValue { parameters.append(Parameter(key: key, value: newValue)) }
        }
    }

    public var host: String? { self["host"] ?? self["hostaddr"] }
    public var port: Int? { self["port"].flatMap { Int($0.split(separator: ",").first ?? "") } }
    public var user: String? { self["user"] }
    public var database: String? { self["dbname"] }

    /// Whether connections must land on a server that takes writes (`target_session_attrs`
    /// `read-write` or `primary`, as a multi-host URL for failover has): a connection whose
    /// server then refuses a write as read-only is on a demoted primary and is replaced.
    public var requiresWritableSession: Bool {
        guard let attributes = self["target_session_attrs"]?.lowercased() else { return false }
        return attributes == "read-write" || attributes == "primary"
    }

    /// The same configuration pointing at another database on the same server.
    public func withDatabase(_ name: String) -> PGConfig {
        var copy = self
        copy["dbname"] = name
        return copy
    }

    /// The same configuration connecting as another role.
    public func withUser(_ user: String, password: String?) -> PGConfig {
        var copy = self
        copy["user"] = user
        copy["password"] = password
        return copy
    }

    /// A `key=value` string with the password replaced by `********`.
    public var description: String {
        parameters.map { parameter in
            let value = parameter.key == "password" ? "********" : parameter.value
            return "\(parameter.key)=\(Self.quote(value))"
        }.joined(separator: " ")
    }

    /// A `key=value` string libpq accepts, password included. Never log it.
    public var connectionString: String {
        parameters.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
    }

    /// A `postgresql://` URL, password included. Never log it.
    public var url: String {
        var components = "postgresql://"
        if let user {
            components += percentEncode(user)
            if let password = self["password"] { components += ":" + percentEncode(password) }
            components += "@"
        }
        let hosts = (self["host"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        let ports = (self["port"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        let hostPart = hosts.enumerated().map { index, host -> String in
            let port = index < ports.count ? ports[index] : (ports.count == 1 ? ports[0] : "")
            let encodedHost = host.hasPrefix("/") ? percentEncode(String(host)) : String(host)
            return port.isEmpty ? encodedHost : "\(encodedHost):\(port)"
        }.joined(separator: ",")
        components += hostPart + "/" + percentEncode(database ?? "")
        let rest = parameters.filter { !["user", "password", "host", "port", "dbname"].contains($0.key) }
        if !rest.isEmpty {
            components += "?" + rest.map { "\($0.key)=\(percentEncode($0.value))" }.joined(separator: "&")
        }
        return components
    }

    static let pgkitKeys: Set<String> = [
        "pgbouncer", "statement_cache_capacity", "log_parameter_values", "query_timeout", "reply_spin", "peer_silence_timeout",
        // Prisma's URL parameters that mean something here, and those refused with advice.
        "schema", "connection_limit", "pool_timeout", "statement_cache_size", "sslidentity", "sslaccept", "socket_timeout",
    ]

    private mutating func apply(_ settings: [String: String]) throws(PGError) {
        for (key, value) in settings {
            switch key {
            case "pgbouncer":
                usesUnnamedStatements = try Self.parseBool(value, key: key)
            case "log_parameter_values":
                logsParameterValues = try Self.parseBool(value, key: key)
            case "query_timeout":
                if ["off", "0", "none"].contains(value.lowercased()) {
                    queryTimeout = nil
                    continue
                }
                guard let timeout = PGDurationText.parse(value, bareNumberUnit: .seconds(1)) else {
                    throw PGError(.invalidConfiguration, "query_timeout must look like 30s, 500ms or 2m")
                }
                queryTimeout = timeout
            case "peer_silence_timeout":
                if ["off", "0", "none"].contains(value.lowercased()) {
                    peerSilenceTimeout = nil
                    continue
                }
                guard let limit = PGDurationText.parse(value, bareNumberUnit: .seconds(1)), limit >= .seconds(1) else {
                    throw PGError(.invalidConfiguration, "peer_silence_timeout must look like 15s or 1m (at least 1s), or be off")
                }
                peerSilenceTimeout = limit
            case "reply_spin":
                let text = value.lowercased()
                if ["off", "0", "none"].contains(text) {
                    replySpinLimit = nil
                } else if text.hasSuffix("us"), let micros = Int64(text.dropLast(2)), micros > 0, micros <= 1_000_000 {
                    replySpinLimit = .microseconds(micros)
                } else if let limit = PGDurationText.parse(text), limit <= .seconds(1) {
                    replySpinLimit = limit
                } else {
                    throw PGError(.invalidConfiguration, "reply_spin must look like 200us or 1ms (at most 1s), or be off")
                }
            case "statement_cache_capacity", "statement_cache_size":
                guard let capacity = Int(value), capacity >= 0 else {
                    throw PGError(.invalidConfiguration, "\(key) must be a non-negative integer")
                }
                statementCacheCapacity = capacity
            case "schema":
                guard !value.isEmpty, value.utf8.count < 64, !value.contains("\u{0}") else {
                    throw PGError(.invalidConfiguration, "schema must be a schema name (1 to 63 bytes)")
                }
                schema = value
            case "connection_limit":
                guard let limit = Int(value), limit >= 1 else { throw PGError(.invalidConfiguration, "connection_limit must be a positive integer") }
                poolSize = limit
            case "pool_timeout":
                guard let seconds = Double(value), seconds >= 0, seconds.isFinite else {
                    throw PGError(.invalidConfiguration, "pool_timeout must be a number of seconds")
                }
                poolAcquireTimeout = seconds == 0 ? .seconds(Int64.max / 4_000_000_000) : .milliseconds(Int64(seconds * 1000))
            case "sslidentity":
                throw PGError(.invalidConfiguration, "sslidentity (a PKCS#12 file) has no libpq equivalent: convert it with `openssl pkcs12 -in identity.p12 -nokeys -out client.crt` and `-nocerts -nodes -out client.key`, then use sslcert= and sslkey=")
            case "sslaccept":
                throw PGError(.invalidConfiguration, "sslaccept is Prisma's; use sslmode=verify-full (strict) or sslmode=require (accept any certificate)")
            case "socket_timeout":
                throw PGError(.invalidConfiguration, "socket_timeout is Prisma's; use query_timeout=30s (PGKit's limit per statement) and peer_silence_timeout=15s (a server that acknowledges nothing)")
            default: break
            }
        }
    }

    private static func parseBool(_ value: String, key: String) throws(PGError) -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw PGError(.invalidConfiguration, "\(key) must be true or false")
        }
    }

    private static func parseWithLibPQ(_ string: String, secrets: ConnectionStringSecrets) throws(PGError) -> [Parameter] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(string, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "cannot parse connection string"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PGError(.invalidConfiguration, secrets.redact(message.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        defer { PQconninfoFree(options) }
        var result: [Parameter] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result.append(Parameter(key: String(cString: keyword), value: String(cString: value)))
            }
            option += 1
        }
        return result
    }

    static func quote(_ value: String) -> String {
        if !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" || $0 == "=" }) { return value }
        return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private func percentEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
