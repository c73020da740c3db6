/// Fixed-arity overloads of `PGQueryResult.decode(_:)` for tuples of 2 to 12 columns: each row
/// through `PGRow`'s overload of the same arity, so the whole result's decoding specializes in
/// the caller's module too (see `PGRow+FixedArity.swift`).
extension PGQueryResult {
    /// Every row decoded as a tuple of 2 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable>(_ types: (T0, T1).Type) throws(PGError) -> [(T0, T1)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 3 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable>(_ types: (T0, T1, T2).Type) throws(PGError) -> [(T0, T1, T2)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 4 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable>(_ types: (T0, T1, T2, T3).Type) throws(PGError) -> [(T0, T1, T2, T3)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 5 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable>(_ types: (T0, T1, T2, T3, T4).Type) throws(PGError) -> [(T0, T1, T2, T3, T4)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 6 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 7 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5, T6)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 8 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5, T6, T7)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 9 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5, T6, T7, T8)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 10 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable, T9: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 11 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable, T9: PGDecodable, T10: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }

    /// Every row decoded as a tuple of 12 values.
    @inlinable
    public func decode<T0: PGDecodable, T1: PGDecodable, T2: PGDecodable, T3: PGDecodable, T4: PGDecodable, T5: PGDecodable, T6: PGDecodable, T7: PGDecodable, T8: PGDecodable, T9: PGDecodable, T10: PGDecodable, T11: PGDecodable>(_ types: (T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11).Type) throws(PGError) -> [(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11)] {
        try decodeRows { row throws(PGError) in try row.decode(types) }
    }
}
