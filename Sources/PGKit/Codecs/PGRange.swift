/// A PostgreSQL range (`int4range`, `int8range`, `tstzrange`, ...): a lower and an upper
/// bound, each inclusive, exclusive or absent (unbounded), or the empty range.
///
/// ```swift
/// let hours = try PGRange(Int32(9)..<17)                  // [9,17)
/// let week = try PGRange(lower: monday, upper: nil)       // ["2024-03-04 00:00:00+00",)
/// try await conn.execute("INSERT INTO bookings (room, during) VALUES (\(room), \(hours))")
/// ```
///
/// Values are kept in the form the server stores, so that what you build is what you read
/// back: a range of a discrete type (integers, dates) is canonical `[lower,upper)` (`[1,5]`
/// becomes `[1,6)`, `(1,2)` becomes empty), an unbounded side is never inclusive, and a range
/// whose bounds are equal but not both inclusive is empty. Bounds in the wrong order, and
/// discrete bounds past the type's largest value, are refused with `.invalidParameter`.
public struct PGRange<Bound: PGRangeBound>: Hashable, Sendable, CustomStringConvertible {
    /// The lower bound; nil when unbounded (and for the empty range).
    public let lowerBound: Bound?
    /// The upper bound; nil when unbounded (and for the empty range).
    public let upperBound: Bound?
    /// Whether the lower bound belongs to the range (never for an unbounded side).
    public let isLowerInclusive: Bool
    /// Whether the upper bound belongs to the range (never for an unbounded side).
    public let isUpperInclusive: Bool
    /// Whether this is the empty range, which contains nothing and has no bounds.
    public let isEmpty: Bool

    /// The empty range (`empty`).
    public static var empty: PGRange { PGRange(emptyRange: ()) }

    /// The range with no bounds, containing every value (`(,)`).
    public static var unbounded: PGRange { PGRange(lower: nil, upper: nil, lowerInclusive: false, upperInclusive: false, empty: false) }

    /// A range from its bounds (nil for unbounded) and their inclusivity, by default
    /// `[lower,upper)` as PostgreSQL's constructors take it. Throws when `lower > upper`, or
    /// when a discrete bound has no successor for the canonical form.
    public init(lower: Bound?, upper: Bound?, lowerInclusive: Bool = true, upperInclusive: Bool = false) throws(PGError) {
        var lowerInclusive = lower != nil && lowerInclusive
        var upperInclusive = upper != nil && upperInclusive
        var lower = lower
        var upper = upper
        if let low = lower, let high = upper {
            if low > high {
                throw PGError(.invalidParameter, "range lower bound \(low.pgRangeBoundText) must be less than or equal to its upper bound \(high.pgRangeBoundText)")
            }
            if low == high && !(lowerInclusive && upperInclusive) {
                self = .empty
                return
            }
        }
        // The server's canonical form for discrete types: [lower, upper).
        if let low = lower, !lowerInclusive, let next = try low.pgRangeSuccessor() {
            lower = next
            lowerInclusive = true
        }
        if let high = upper, upperInclusive, let next = try high.pgRangeSuccessor() {
            upper = next
            upperInclusive = false
        }
        if let low = lower, let high = upper, low > high || (low == high && !(lowerInclusive && upperInclusive)) {
            self = .empty
            return
        }
        self.init(lower: lower, upper: upper, lowerInclusive: lowerInclusive, upperInclusive: upperInclusive, empty: false)
    }

    /// `[lower,upper)`; empty when the bounds are equal.
    public init(_ range: Range<Bound>) throws(PGError) {
        try self.init(lower: range.lowerBound, upper: range.upperBound)
    }

    /// `[lower,upper]`.
    public init(_ range: ClosedRange<Bound>) throws(PGError) {
        try self.init(lower: range.lowerBound, upper: range.upperBound, upperInclusive: true)
    }

    /// `[lower,)`.
    public init(_ range: PartialRangeFrom<Bound>) throws(PGError) {
        try self.init(lower: range.lowerBound, upper: nil)
    }

    /// `(,upper)`.
    public init(_ range: PartialRangeUpTo<Bound>) throws(PGError) {
        try self.init(lower: nil, upper: range.upperBound)
    }

    /// `(,upper]`.
    public init(_ range: PartialRangeThrough<Bound>) throws(PGError) {
        try self.init(lower: nil, upper: range.upperBound, upperInclusive: true)
    }

    private init(emptyRange: ()) {
        self.init(lower: nil, upper: nil, lowerInclusive: false, upperInclusive: false, empty: true)
    }

    private init(lower: Bound?, upper: Bound?, lowerInclusive: Bool, upperInclusive: Bool, empty: Bool) {
        lowerBound = lower
        upperBound = upper
        isLowerInclusive = lowerInclusive
        isUpperInclusive = upperInclusive
        isEmpty = empty
    }

    /// Whether `value` lies within the range.
    public func contains(_ value: Bound) -> Bool {
        if isEmpty { return false }
        if let lower = lowerBound, value < lower || (value == lower && !isLowerInclusive) { return false }
        if let upper = upperBound, value > upper || (value == upper && !isUpperInclusive) { return false }
        return true
    }

    /// PostgreSQL's output form: `[1,6)`, `(,5]`, `empty`, `["2024-01-01 00:00:00+00",)`,
    /// bounds quoted when they hold spaces, commas, quotes, backslashes, brackets or
    /// parentheses (and the empty string).
    public var description: String {
        if isEmpty { return "empty" }
        var text = isLowerInclusive ? "[" : "("
        if let lowerBound { text += Self.quoted(lowerBound.pgRangeBoundText) }
        text += ","
        if let upperBound { text += Self.quoted(upperBound.pgRangeBoundText) }
        text += isUpperInclusive ? "]" : ")"
        return text
    }

    private static func quoted(_ text: String) -> String {
        let special: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "("), UInt8(ascii: ")"),
                                   UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","),
                                   0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
        guard text.isEmpty || text.utf8.contains(where: special.contains) else { return text }
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { quoted.unicodeScalars.append(character) }
            quoted.unicodeScalars.append(character)
        }
        return quoted + "\""
    }
}

extension PGRange {
    /// The order of bounds that multiranges sort and merge by: lower bounds first, an
    /// unbounded side beyond every value, and at equal values an inclusive lower bound before
    /// an exclusive one (and an exclusive upper bound before an inclusive one).
    struct Edge {
        var value: Bound?
        var inclusive: Bool
        var isLower: Bool

        static func compare(_ a: Edge, _ b: Edge) -> Int {
            switch (a.value, b.value) {
            case (nil, nil): return a.isLower == b.isLower ? 0 : (a.isLower ? -1 : 1)
            case (nil, _): return a.isLower ? -1 : 1
            case (_, nil): return b.isLower ? 1 : -1
            case let (x?, y?):
                if x < y { return -1 }
                if x > y { return 1 }
                switch (a.inclusive, b.inclusive) {
                case (false, false): return a.isLower == b.isLower ? 0 : (a.isLower ? 1 : -1)
                case (false, true): return a.isLower ? 1 : -1
                case (true, false): return b.isLower ? -1 : 1
                case (true, true): return 0
                }
            }
        }
    }

    var lowerEdge: Edge { Edge(value: lowerBound, inclusive: isLowerInclusive, isLower: true) }
    var upperEdge: Edge { Edge(value: upperBound, inclusive: isUpperInclusive, isLower: false) }

    /// A non-empty range from edges already in canonical form (the union of two such ranges).
    init(lowerEdge: Edge, upperEdge: Edge) {
        self.init(lower: lowerEdge.value, upper: upperEdge.value, lowerInclusive: lowerEdge.inclusive,
                  upperInclusive: upperEdge.inclusive, empty: false)
    }
}

extension PGRange: PGCodable {
    public static var pgDataType: PGDataType { Bound.pgRangeType }

    /// `range_send`'s format: a flags byte (empty, inclusive and unbounded sides), then each
    /// present bound, length-prefixed, in the bound type's binary format.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        if isEmpty {
            buffer.writeInteger(UInt8(0x01))
            return
        }
        var flags: UInt8 = 0
        if isLowerInclusive { flags |= 0x02 }
        if isUpperInclusive { flags |= 0x04 }
        if lowerBound == nil { flags |= 0x08 }
        if upperBound == nil { flags |= 0x10 }
        buffer.writeInteger(flags)
        if let lowerBound { try buffer.writeLengthPrefixed(lowerBound) }
        if let upperBound { try buffer.writeLengthPrefixed(upperBound) }
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: Bound.pgRangeType, for: PGRange<Bound>.self)
        self = try Self.read(&buffer, context: context)
        try buffer.expectEnd(Bound.pgRangeType.name)
    }

    /// Reads one range's bytes (also a multirange's element).
    static func read(_ buffer: inout PGReadBuffer, context: borrowing PGDecodingContext) throws(PGError) -> PGRange {
        let flags = try buffer.readInteger(as: UInt8.self)
        if flags & 0x01 != 0 {
            guard flags == 0x01 else { throw PGError(.decodingFailed, "malformed \(Bound.pgRangeType.name) value: empty range with flags \(flags)") }
            return .empty
        }
        guard flags & ~0x1E == 0 else { throw PGError(.decodingFailed, "malformed \(Bound.pgRangeType.name) value: flags \(flags)") }
        let elementType = Bound.pgDataType
        guard let elementOID = elementType.isExtension ? context.types.oid(named: elementType.name) : elementType.oid else {
            throw PGError(.decodingFailed, "type \(elementType.name) is not installed in this database")
        }
        func bound(_ buffer: inout PGReadBuffer) throws(PGError) -> Bound {
            let length = try buffer.readInteger(as: Int32.self)
            guard length >= 0 else { throw PGError(.decodingFailed, "malformed \(Bound.pgRangeType.name) value: NULL bound") }
            var slice = PGReadBuffer(try buffer.readSlice(Int(length)))
            let value = try Bound(pgBytes: &slice, type: elementOID, context: context)
            try slice.expectEnd(elementType.name)
            return value
        }
        let lower = flags & 0x08 == 0 ? try bound(&buffer) : nil
        let upper = flags & 0x10 == 0 ? try bound(&buffer) : nil
        do {
            return try PGRange(lower: lower, upper: upper, lowerInclusive: flags & 0x02 != 0, upperInclusive: flags & 0x04 != 0)
        } catch {
            throw PGError(.decodingFailed, "malformed \(Bound.pgRangeType.name) value: \(error.message)")
        }
    }
}
