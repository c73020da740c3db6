import Foundation

/// A PostgreSQL `date`: a calendar day with no time and no zone, or ±infinity. What `Date`
/// cannot say (a `Date` is an instant, and which day it falls on depends on a zone).
///
/// ```swift
/// let birthday = try PGDate(year: 1815, month: 12, day: 10)
/// try await conn.execute("UPDATE users SET born = \(birthday) WHERE id = \(id)")
/// print(birthday)   // 1815-12-10
/// ```
public struct PGDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 2000-01-01 (PostgreSQL's epoch); `Int32.max` and `Int32.min` are ±infinity.
    public let daysSince2000: Int32

    public static let infinity = PGDate(daysSince2000: .max)
    public static let negativeInfinity = PGDate(daysSince2000: .min)

    /// PostgreSQL's range: 4713-11-24 BC to 5874897-12-31.
    static let firstDay = Int32(-2_451_545)        // Julian day 0
    static let lastDay = Int32(2_145_031_948)

    public init(daysSince2000: Int32) { self.daysSince2000 = daysSince2000 }

    /// A day of the proleptic Gregorian calendar; years are astronomical (0 is 1 BC, -1 is
    /// 2 BC). Throws `.invalidParameter` for a day that does not exist or is outside
    /// PostgreSQL's range.
    public init(year: Int, month: Int, day: Int) throws(PGError) {
        guard PGCalendar.isValid(year: year, month: month, day: day), (-4713...5_874_897).contains(year) else {
            throw PGError(.invalidParameter, "\(year)-\(month)-\(day) is not a date PostgreSQL can store")
        }
        let days = PGCalendar.julianDay(year: year, month: month, day: day) - PGCalendar.epochJulianDay
        guard let value = Int32(exactly: days), value >= Self.firstDay, value <= Self.lastDay else {
            throw PGError(.invalidParameter, "\(year)-\(month)-\(day) is outside PostgreSQL's date range")
        }
        daysSince2000 = value
    }

    /// The UTC calendar day `date` falls on.
    public init(_ date: Date) throws(PGError) {
        let micros = try PGTimestamp.microseconds(since2000: date)
        daysSince2000 = Int32(truncatingIfNeeded: PGCalendar.floorDivide(micros, PGCalendar.microsecondsPerDay).quotient)
    }

    public var isInfinite: Bool { daysSince2000 == .max || daysSince2000 == .min }

    /// Year (astronomical), month and day; nil for ±infinity.
    public var components: (year: Int, month: Int, day: Int)? {
        guard !isInfinite else { return nil }
        return PGCalendar.date(julianDay: Int(daysSince2000) + PGCalendar.epochJulianDay)
    }

    /// Midnight UTC of this day; nil for ±infinity.
    public var date: Date? {
        guard !isInfinite else { return nil }
        // Whole days of seconds are exact in a Double for any day PostgreSQL has.
        return Date(timeIntervalSinceReferenceDate: Double(Int64(daysSince2000) - 366) * 86_400)
    }

    /// PostgreSQL's ISO text form: `2026-12-01`, `0044-03-15 BC`, `infinity`.
    public var description: String {
        if daysSince2000 == .max { return "infinity" }
        if daysSince2000 == .min { return "-infinity" }
        let (year, month, day) = components!
        let text = PGCalendar.dateText(year: year, month: month, day: day)
        return text.date + text.era
    }

    public static func < (lhs: PGDate, rhs: PGDate) -> Bool { lhs.daysSince2000 < rhs.daysSince2000 }
}

extension PGDate: PGCodable {
    public static var pgDataType: PGDataType { .date }

    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        guard isInfinite || (daysSince2000 >= Self.firstDay && daysSince2000 <= Self.lastDay) else {
            throw PGError(.invalidParameter, "date is outside PostgreSQL's range")
        }
        buffer.writeInteger(daysSince2000)
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: .date, for: PGDate.self)
        daysSince2000 = try buffer.readInteger(as: Int32.self)
        try buffer.expectEnd("date")
    }
}
