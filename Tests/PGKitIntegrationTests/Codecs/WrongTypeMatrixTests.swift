import Foundation
import PGKit
import PGKitTestSupport
import Testing

/// Every Swift type read from every column type: the pairs PGKit supports give the value, and
/// every other pair gives a `.decodingFailed` error naming the column, never a value.
@Suite struct WrongTypeMatrixTests {
    static let database = SuiteDatabase("wrong_types")

    /// One column of each type, with values every supported reader can hold.
    static let columns: [(name: String, sql: String)] = [
        ("c_bool", "true"), ("c_int2", "7::int2"), ("c_int4", "7::int4"), ("c_int8", "7::int8"), ("c_float4", "1.5::float4"),
        ("c_float8", "1.5::float8"), ("c_numeric", "7::numeric"), ("c_text", "'\"x\"'::text"), ("c_varchar", "'\"x\"'::varchar"),
        ("c_bytea", "'\\x0102'::bytea"), ("c_uuid", "gen_random_uuid()"), ("c_date", "'2026-12-01'::date"), ("c_time", "'12:00'::time"),
        ("c_timetz", "'12:00+02'::timetz"), ("c_timestamp", "'2026-12-01 12:00'::timestamp"), ("c_timestamptz", "'2026-12-01 12:00+00'::timestamptz"),
        ("c_interval", "'1 day'::interval"), ("c_json", "'{\"a\": 1}'::json"), ("c_jsonb", "'{\"a\": 1}'::jsonb"),
        ("c_int4_array", "ARRAY[1, 2]::int4[]"), ("c_int4_matrix", "ARRAY[[1, 2], [3, 4]]::int4[]"), ("c_text_array", "ARRAY['a']::text[]"),
        ("c_vector", "'[1,2,3]'::vector"),
        ("c_halfvec", "'[1,2]'::halfvec"), ("c_sparsevec", "'{1:1}/3'::sparsevec"), ("c_bit", "B'101'"), ("c_varbit", "'1'::varbit"),
        ("c_inet", "'10.0.0.1'::inet"), ("c_cidr", "'10.0.0.0/8'::cidr"), ("c_macaddr", "'08:00:2b:01:02:03'::macaddr"),
        ("c_macaddr8", "'08:00:2b:01:02:03:04:05'::macaddr8"), ("c_money", "7::money"), ("c_point", "'(1,2)'::point"),
        ("c_int4range", "'[1,2)'::int4range"), ("c_int8range", "'[1,2)'::int8range"), ("c_tstzrange", "'[2026-01-01,)'::tstzrange"),
        ("c_int4multirange", "'{[1,2)}'::int4multirange"), ("c_tsvector", "'a:1'::tsvector"), ("c_tsquery", "'a & b'::tsquery"),
        ("c_xml", "'<a/>'::xml"), ("c_char", "'r'::\"char\""), ("c_oid", "7::oid"), ("c_regclass", "'pg_class'::regclass"),
        ("c_mood", "'happy'::matrix_mood"),
    ]

    enum Mood: String, PGEnum {
        static let pgEnumTypeName = "matrix_mood"
        case happy
    }

    /// A reader and the columns it accepts.
    struct Reader: Sendable {
        let name: String
        let accepts: Set<String>
        let read: @Sendable (PGRow, Int) throws -> Void

        init<T: PGDecodable>(_ type: T.Type, _ accepts: Set<String>) {
            name = "\(T.self)"
            self.accepts = accepts
            read = { row, column in _ = try row.decode(T.self, at: column) }
        }
    }

    static let integers: Set<String> = ["c_int2", "c_int4", "c_int8", "c_numeric"]
    static let integersAndOIDs = integers.union(["c_oid", "c_regclass"])
    static let texts: Set<String> = ["c_text", "c_varchar"]
    static let readers: [Reader] = [
        Reader(Bool.self, ["c_bool"]),
        Reader(Int16.self, integersAndOIDs), Reader(Int32.self, integersAndOIDs), Reader(Int64.self, integersAndOIDs), Reader(Int.self, integersAndOIDs),
        Reader(UInt32.self, integersAndOIDs), Reader(UInt64.self, integersAndOIDs),
        Reader(Float.self, ["c_float4", "c_float8"]),
        Reader(Double.self, ["c_float4", "c_float8", "c_int2", "c_int4", "c_int8", "c_numeric"]),
        Reader(Decimal.self, integers), Reader(PGNumeric.self, integers),
        Reader(String.self, texts.union(["c_tsvector", "c_tsquery", "c_xml", "c_char"])), Reader(Data.self, ["c_bytea"]), Reader(UUID.self, ["c_uuid"]),
        Reader(Date.self, ["c_date", "c_timestamp", "c_timestamptz"]), Reader(PGDate.self, ["c_date"]),
        Reader(PGTime.self, ["c_time"]), Reader(PGTimeTZ.self, ["c_timetz"]), Reader(PGTimestamp.self, ["c_timestamp", "c_timestamptz"]),
        Reader(PGInterval.self, ["c_interval"]),
        Reader(PGJSONValue.self, Set(["c_json", "c_jsonb"]).union(texts)), Reader(PGRawJSON.self, Set(["c_json", "c_jsonb"]).union(texts)),
        Reader([Int32].self, ["c_int4_array"]), Reader([[Int32]].self, ["c_int4_matrix"]), Reader([String].self, ["c_text_array"]),
        Reader(PGArray<Int32>.self, ["c_int4_array", "c_int4_matrix"]), Reader(PGVector.self, ["c_vector"]),
        Reader(PGHalfVector.self, ["c_halfvec"]), Reader(PGSparseVector.self, ["c_sparsevec"]), Reader(PGBitString.self, ["c_bit", "c_varbit"]),
        Reader(PGInet.self, ["c_inet", "c_cidr"]), Reader(PGCIDR.self, ["c_cidr"]), Reader(PGMacAddress.self, ["c_macaddr"]),
        Reader(PGMacAddress8.self, ["c_macaddr8"]), Reader(PGMoney.self, ["c_money"]), Reader(PGPoint.self, ["c_point"]),
        Reader(PGRange<Int32>.self, ["c_int4range"]), Reader(PGRange<Int64>.self, ["c_int8range"]), Reader(PGRange<Date>.self, ["c_tstzrange"]),
        Reader(PGMultirange<Int32>.self, ["c_int4multirange"]), Reader(PGTSVector.self, ["c_tsvector"]), Reader(PGTSQuery.self, ["c_tsquery"]),
        Reader(PGXML.self, ["c_xml"]), Reader(PGChar.self, ["c_char"]), Reader(PGOID.self, ["c_oid", "c_regclass"]), Reader(Mood.self, ["c_mood"]),
    ]

    @Test func everyUnsupportedPairIsATypedErrorNamingTheColumn() async throws {
        try await Self.database.withConnection { conn throws in
            try await conn.executeScript("CREATE TYPE matrix_mood AS ENUM ('happy')")
        }
        try await Self.database.withConnection { conn throws in
            let select = Self.columns.map { "\($0.sql) AS \($0.name)" }.joined(separator: ", ")
            let row = try #require(try await conn.query(PGQuery("SELECT " + select)).first)
            var wrong: [String] = []
            var pairs = 0
            for reader in Self.readers {
                for (index, column) in Self.columns.enumerated() {
                    pairs += 1
                    do {
                        try reader.read(row, index)
                        if !reader.accepts.contains(column.name) { wrong.append("\(column.name) read as \(reader.name) gave a value") }
                    } catch let error as PGError {
                        if reader.accepts.contains(column.name) {
                            wrong.append("\(column.name) as \(reader.name) failed: \(error)")
                        } else if error.kind != .decodingFailed || error.column != column.name {
                            wrong.append("\(column.name) as \(reader.name): \(error.kind) for column \(error.column ?? "none")")
                        }
                    }
                }
            }
            #expect(pairs == Self.readers.count * Self.columns.count)
            #expect(wrong.isEmpty, "\(wrong)")
        }
    }
}
