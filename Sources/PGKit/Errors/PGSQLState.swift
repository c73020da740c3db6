/// A five-character SQLSTATE code from the server, with names for the codes applications handle.
///
/// Compare against the named constants, or switch over them:
/// ```swift
/// catch let error as PGError where error.sqlState == .uniqueViolation { ... }
/// ```
public struct PGSQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The five-character code, such as `23505`.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// The two-character class, such as `23` for integrity constraint violations.
    public var errorClass: String { String(rawValue.prefix(2)) }

    public var description: String { rawValue }

    public static let uniqueViolation = PGSQLState(rawValue: "23505")
    public static let foreignKeyViolation = PGSQLState(rawValue: "23503")
    public static let checkViolation = PGSQLState(rawValue: "23514")
    public static let notNullViolation = PGSQLState(rawValue: "23502")
    public static let exclusionViolation = PGSQLState(rawValue: "23P01")
    public static let serializationFailure = PGSQLState(rawValue: "40001")
    public static let deadlockDetected = PGSQLState(rawValue: "40P01")
    public static let queryCanceled = PGSQLState(rawValue: "57014")
    public static let adminShutdown = PGSQLState(rawValue: "57P01")
    public static let crashShutdown = PGSQLState(rawValue: "57P02")
    public static let cannotConnectNow = PGSQLState(rawValue: "57P03")
    public static let tooManyConnections = PGSQLState(rawValue: "53300")
    public static let lockNotAvailable = PGSQLState(rawValue: "55P03")
    public static let undefinedTable = PGSQLState(rawValue: "42P01")
    public static let undefinedColumn = PGSQLState(rawValue: "42703")
    public static let undefinedFunction = PGSQLState(rawValue: "42883")
    public static let undefinedObject = PGSQLState(rawValue: "42704")
    public static let duplicateTable = PGSQLState(rawValue: "42P07")
    public static let duplicateDatabase = PGSQLState(rawValue: "42P04")
    public static let invalidCatalogName = PGSQLState(rawValue: "3D000")
    public static let syntaxError = PGSQLState(rawValue: "42601")
    public static let insufficientPrivilege = PGSQLState(rawValue: "42501")
    public static let invalidTextRepresentation = PGSQLState(rawValue: "22P02")
    public static let numericValueOutOfRange = PGSQLState(rawValue: "22003")
    public static let stringDataRightTruncation = PGSQLState(rawValue: "22001")
    public static let dataException = PGSQLState(rawValue: "22000")
    public static let readOnlySQLTransaction = PGSQLState(rawValue: "25006")
    public static let inFailedSQLTransaction = PGSQLState(rawValue: "25P02")
    public static let invalidPassword = PGSQLState(rawValue: "28P01")
    public static let invalidAuthorizationSpecification = PGSQLState(rawValue: "28000")
    public static let raiseException = PGSQLState(rawValue: "P0001")
    public static let idleInTransactionSessionTimeout = PGSQLState(rawValue: "25P03")
}
