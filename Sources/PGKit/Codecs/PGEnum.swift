/// A Swift enum whose cases are the labels of a PostgreSQL enum type: conform a
/// `String`-backed enum, name the type, and it is a parameter and a column value.
///
/// ```swift
/// // CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'very happy')
/// enum Mood: String, PGEnum {
///     static let pgEnumTypeName = "mood"
///     case sad, ok, happy
///     case veryHappy = "very happy"
/// }
/// try await conn.execute("INSERT INTO people (name, mood) VALUES (\(name), \(Mood.happy))")
/// let mood = try await conn.query("SELECT mood FROM people WHERE name = \(name)").scalar(Mood.self)
/// ```
///
/// Enum types have no fixed OID: each connection looks up every enum type on its search path
/// when it connects, and again when a statement sends one it has not seen (a type created
/// since). A label the Swift enum does not have is a `.decodingFailed` error naming it;
/// sending a case the database type lacks is the server's `invalid input value for enum`.
public protocol PGEnum: PGCodable, RawRepresentable where RawValue == String {
    /// The PostgreSQL enum type's name (`pg_type.typname`, case-sensitive, unqualified).
    static var pgEnumTypeName: String { get }
}

extension PGEnum {
    public static var pgDataType: PGDataType { PGDataType(extensionTypeNamed: pgEnumTypeName) }

    /// The label's UTF-8 bytes, the binary form of an enum value.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        try rawValue.encode(into: &buffer)
    }

    /// Reads a column of the enum type (or, before the connection has seen the type, of any
    /// non-built-in type) whose label is one of the Swift cases.
    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        if context.types.oid(named: Self.pgEnumTypeName) != nil {
            try context.expect(type, is: Self.pgDataType, for: Self.self)
        } else if PGDataType.builtinNames[type] != nil {
            throw context.mismatch(type, Self.self)
        }
        guard let label = UTF8Validation.string(buffer.readRemaining()) else {
            throw PGError(.decodingFailed, "\(Self.pgEnumTypeName) label is not valid UTF-8")
        }
        guard let value = Self(rawValue: label) else {
            throw PGError(.decodingFailed, "\(Self.pgEnumTypeName) label \"\(label)\" has no case in \(Self.self)")
        }
        self = value
    }
}
