/// A PostgreSQL multirange (`int4multirange`, `tstzmultirange`, ...): an ordered list of
/// ranges that neither overlap nor touch.
///
/// ```swift
/// let open = try PGMultirange([PGRange(Int32(9)..<12), PGRange(Int32(13)..<17)])   // {[9,12),[13,17)}
/// ```
///
/// Built the way the server stores it: empty ranges are dropped, the rest sorted, and ranges
/// that overlap or are adjacent merged (`{[1,3),[3,5)}` is `{[1,5)}`), so the value you build
/// is the value you read back.
public struct PGMultirange<Bound: PGRangeBound>: Hashable, Sendable, CustomStringConvertible {
    /// The ranges, in order, none empty, none overlapping or adjacent to another.
    public let ranges: [PGRange<Bound>]

    /// The multirange covering what `ranges` cover, in the server's canonical form.
    public init(_ ranges: [PGRange<Bound>]) {
        let sorted = ranges.filter { !$0.isEmpty }.sorted { a, b in
            let lower = PGRange<Bound>.Edge.compare(a.lowerEdge, b.lowerEdge)
            return lower != 0 ? lower < 0 : PGRange<Bound>.Edge.compare(a.upperEdge, b.upperEdge) < 0
        }
        var merged: [PGRange<Bound>] = []
        for range in sorted {
            guard let last = merged.last else {
                merged.append(range)
                continue
            }
            if Self.areAdjacent(last, range) || PGRange<Bound>.Edge.compare(last.upperEdge, range.lowerEdge) >= 0 {
                let upper = PGRange<Bound>.Edge.compare(last.upperEdge, range.upperEdge) >= 0 ? last.upperEdge : range.upperEdge
                merged[merged.count - 1] = PGRange(lowerEdge: last.lowerEdge, upperEdge: upper)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    /// The empty multirange, `{}`.
    public init() { ranges = [] }

    /// Whether one range's upper bound meets the other's lower bound with nothing between or
    /// shared (`[1,3)` and `[3,5)`).
    private static func areAdjacent(_ a: PGRange<Bound>, _ b: PGRange<Bound>) -> Bool {
        func meet(_ upper: PGRange<Bound>.Edge, _ lower: PGRange<Bound>.Edge) -> Bool {
            guard let high = upper.value, let low = lower.value, high == low else { return false }
            return upper.inclusive != lower.inclusive
        }
        return meet(a.upperEdge, b.lowerEdge) || meet(b.upperEdge, a.lowerEdge)
    }

    /// Whether `value` lies within one of the ranges.
    public func contains(_ value: Bound) -> Bool { ranges.contains { $0.contains(value) } }

    /// PostgreSQL's output form: `{[1,3),[5,7)}`, `{}`.
    public var description: String { "{" + ranges.map(\.description).joined(separator: ",") + "}" }
}

extension PGMultirange: PGCodable {
    public static var pgDataType: PGDataType { Bound.pgMultirangeType }

    /// `multirange_send`'s format: the number of ranges, then each range length-prefixed.
    public func encode(into buffer: inout PGWriteBuffer) throws(PGError) {
        buffer.writeInteger(Int32(ranges.count))
        for range in ranges { try buffer.writeLengthPrefixed(range) }
    }

    public init(pgBytes buffer: inout PGReadBuffer, type: UInt32, context: borrowing PGDecodingContext) throws(PGError) {
        try context.expect(type, is: Bound.pgMultirangeType, for: PGMultirange<Bound>.self)
        let count = Int(try buffer.readInteger(as: Int32.self))
        guard count >= 0, count <= buffer.readableBytes / 5 else {
            throw PGError(.decodingFailed, "malformed \(Bound.pgMultirangeType.name) value: \(count) ranges in \(buffer.readableBytes) bytes")
        }
        var ranges: [PGRange<Bound>] = []
        ranges.reserveCapacity(count)
        for _ in 0..<count {
            let length = try buffer.readInteger(as: Int32.self)
            guard length >= 1 else { throw PGError(.decodingFailed, "malformed \(Bound.pgMultirangeType.name) value: range of \(length) bytes") }
            var slice = PGReadBuffer(try buffer.readSlice(Int(length)))
            ranges.append(try PGRange<Bound>.read(&slice, context: context))
            try slice.expectEnd(Bound.pgRangeType.name)
        }
        try buffer.expectEnd(Bound.pgMultirangeType.name)
        self.init(ranges)
    }
}
