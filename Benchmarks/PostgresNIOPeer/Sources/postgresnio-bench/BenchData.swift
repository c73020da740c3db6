import Foundation

/// SplitMix64 with the benchmark's seeds, so this side sees the same ids, rows and vectors as
/// PGKit's bench and the C baseline (the same generator as Repositories' SplitMix64, copied so
/// this package depends on PostgresNIO alone).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float uniform in [-1, 1).
    mutating func nextSignedUnitFloat() -> Float {
        Float(next() >> 40) / Float(1 << 24) * 2 - 1
    }
}

/// The W3/W4 rows, generated exactly as Benchmarks/PGKitBench/BenchData.swift and the C
/// baseline generate them.
enum BenchData {
    struct Message: Sendable {
        var id: UUID
        var sessionID: UUID
        var role: String
        var content: String
        var createdAt: Date
    }

    static let base = Date(timeIntervalSince1970: 1_735_689_600)

    static func uuid(_ a: UInt64, _ b: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: a >> UInt64(index * 8)) }
        for index in 0..<8 { bytes[8 + index] = UInt8(truncatingIfNeeded: b >> UInt64(index * 8)) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    static func messages(_ count: Int) -> [Message] {
        var random = SplitMix64(seed: 42)
        let sessions = (0..<1000).map { _ in uuid(random.next(), random.next()) }
        let roles = ["user", "assistant", "system"]
        return (0..<count).map { index in
            let id = uuid(random.next(), random.next())
            let session = sessions[Int(random.next() % 1000)]
            var content = [UInt8](repeating: 0, count: 200)
            for chunk in stride(from: 0, to: 200, by: 8) {
                let bits = random.next()
                for k in 0..<8 { content[chunk + k] = 97 + UInt8((bits >> UInt64(k * 8)) & 0xFF) % 26 }
            }
            return Message(id: id, sessionID: session, role: roles[index % 3], content: String(decoding: content, as: UTF8.self),
                           createdAt: base.addingTimeInterval(Double(index)))
        }
    }
}
