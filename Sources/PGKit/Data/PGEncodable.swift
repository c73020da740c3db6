/// A Swift value that can be sent to PostgreSQL in binary format, as a parameter, an array
/// element or a COPY field.
///
/// Conform your own types to add a codec:
/// ```swift
/// struct Cents: PGEncodable {
///     var value: Int64
///     static var pgDataType: PGDataType { .int8 }
///     func encode(into buffer: inout PGWriteBuffer) throws(PGError) { buffer.writeInteger(value) }
/// }
/// ```
public protocol PGEncodable: Sendable {
    /// The server type the encoded bytes are in.
    static var pgDataType: PGDataType { get }
    /// Appends the binary representation; throws `PGError.invalidParameter` for values the
    /// server would misread, before anything is sent.
    func encode(into buffer: inout PGWriteBuffer) throws(PGError)
    /// Whether this value is SQL NULL (only `Optional.none` is).
    var isPGNull: Bool { get }
}

extension PGEncodable {
    public var isPGNull: Bool { false }
}

/// A Swift value that can be read from PostgreSQL's binary format.
///
/// `type` is the column's OID; conformers check it so that a mismatch between the query and
/// the Swift type is a clear error rather than garbage.
public protocol PGDecodable: Sendable {
    /// Decodes a non-NULL value.
    init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError)
    /// Decodes SQL NULL; only `Optional` accepts it.
    init(pgNull type: UInt32) throws(PGError)
}

extension PGDecodable {
    public init(pgNull type: UInt32) throws(PGError) {
        throw PGError(.decodingFailed, "unexpected NULL for non-optional \(Self.self)")
    }
}

/// Both directions.
public typealias PGCodable = PGEncodable & PGDecodable

/// What a decoder needs to know about the connection a value came from.
public struct PGDecodingContext: Sendable {
    /// The connection's extension type OIDs.
    public var types: PGTypeRegistry
    /// Whether the session's `TimeZone` was UTC when the value was read (PGKit's default), so
    /// that a `timestamp` without time zone is a UTC wall-clock time.
    public var sessionTimeZoneIsUTC: Bool

    public init(types: PGTypeRegistry = PGTypeRegistry(), sessionTimeZoneIsUTC: Bool = true) {
        self.types = types
        self.sessionTimeZoneIsUTC = sessionTimeZoneIsUTC
    }

    /// Throws a uniform type-mismatch error unless `oid` is `accepted`'s.
    @inlinable
    public func expect(_ oid: UInt32, is accepted: PGDataType, for swiftType: Any.Type) throws(PGError) {
        if accepted.oid == oid && oid != 0 { return }
        if accepted.isExtension && types.oid(oid, is: accepted) { return }
        throw mismatch(oid, swiftType)
    }

    /// The error for reading a column of type `oid` as `swiftType`.
    public func mismatch(_ oid: UInt32, _ swiftType: Any.Type) -> PGError {
        PGError(.decodingFailed, "cannot read a \(typeName(oid)) column as \(swiftType)")
    }

    /// A readable name for an OID, for error messages.
    public func typeName(_ oid: UInt32) -> String {
        if let name = types.name(of: oid) { return name }
        return PGDataType.builtinNames[oid] ?? "type with OID \(oid)"
    }
}

extension PGDataType {
    static let builtinNames: [UInt32: String] = {
        var names: [UInt32: String] = [:]
        for (type, arrayOID) in PGDataType.builtins {
            names[type.oid] = type.name
            names[arrayOID] = "_" + type.name
        }
        names[PGDataType.unknown.oid] = PGDataType.unknown.name
        return names
    }()
}
