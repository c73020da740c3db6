/// Fixed-arity overloads of `PGRow.decode(_:)` for tuples of 2 to 12 columns. They do what the
/// variadic one does; Swift prefers them for those arities, and, being inlinable, they
/// specialize in the caller's module for its column types (each value's decoder called
/// directly), where a parameter pack's elements are decoded through generic dispatch.
extension PGRow {
    /// The whole row as a tuple of 2 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable>(_ types: (T0, T1).Type) throws(PGError) -> (T0, T1) {
        guard columnCount == 2 else { throw columnCountMismatch(2) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1))
    }

    /// The whole row as a tuple of 3 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable>(_ types: (T0, T1, T2).Type) throws(PGError) -> (T0, T1, T2) {
        guard columnCount == 3 else { throw columnCountMismatch(3) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2))
    }

    /// The whole row as a tuple of 4 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable>(_ types: (T0, T1, T2, T3).Type) throws(PGError) -> (T0, T1, T2, T3) {
        guard columnCount == 4 else { throw columnCountMismatch(4) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3))
    }

    /// The whole row as a tuple of 5 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable>(_ types: (T0, T1, T2, T3, T4).Type) throws(PGError) -> (T0, T1, T2, T3, T4) {
        guard columnCount == 5 else { throw columnCountMismatch(5) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4))
    }

    /// The whole row as a tuple of 6 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5) {
        guard columnCount == 6 else { throw columnCountMismatch(6) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5))
    }

    /// The whole row as a tuple of 7 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5, T6) {
        guard columnCount == 7 else { throw columnCountMismatch(7) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5),
                try decodeValue(T6.self, at: 6))
    }

    /// The whole row as a tuple of 8 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5, T6, T7) {
        guard columnCount == 8 else { throw columnCountMismatch(8) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5),
                try decodeValue(T6.self, at: 6),
                try decodeValue(T7.self, at: 7))
    }

    /// The whole row as a tuple of 9 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5, T6, T7, T8) {
        guard columnCount == 9 else { throw columnCountMismatch(9) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5),
                try decodeValue(T6.self, at: 6),
                try decodeValue(T7.self, at: 7),
                try decodeValue(T8.self, at: 8))
    }

    /// The whole row as a tuple of 10 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable, T9: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9) {
        guard columnCount == 10 else { throw columnCountMismatch(10) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5),
                try decodeValue(T6.self, at: 6),
                try decodeValue(T7.self, at: 7),
                try decodeValue(T8.self, at: 8),
                try decodeValue(T9.self, at: 9))
    }

    /// The whole row as a tuple of 11 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable, T9: PGDecodable, T10: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10) {
        guard columnCount == 11 else { throw columnCountMismatch(11) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5),
                try decodeValue(T6.self, at: 6),
                try decodeValue(T7.self, at: 7),
                try decodeValue(T8.self, at: 8),
                try decodeValue(T9.self, at: 9),
                try decodeValue(T10.self, at: 10))
    }

    /// The whole row as a tuple of 12 values, one per column in order.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable, T9: PGDecodable, T10: PGDecodable, T11: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11).Type) throws(PGError) -> (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11) {
        guard columnCount == 12 else { throw columnCountMismatch(12) }
        return (try decodeValue(T0.self, at: 0),
                try decodeValue(T1.self, at: 1),
                try decodeValue(T2.self, at: 2),
                try decodeValue(T3.self, at: 3),
                try decodeValue(T4.self, at: 4),
                try decodeValue(T5.self, at: 5),
                try decodeValue(T6.self, at: 6),
                try decodeValue(T7.self, at: 7),
                try decodeValue(T8.self, at: 8),
                try decodeValue(T9.self, at: 9),
                try decodeValue(T10.self, at: 10),
                try decodeValue(T11.self, at: 11))
    }
}
