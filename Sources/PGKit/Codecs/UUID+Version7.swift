import Foundation

extension UUID {
    /// A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, 12 bits of
    /// sub-millisecond clock, then random bits, like the migrations' `uuid_generate_v7()`, so
    /// keys made in Swift land at the right end of an index too.
    public static func version7(at date: Date = Date()) -> UUID {
        let moment = max(0, date.timeIntervalSince1970 * 1000)
        let milliseconds = UInt64(moment)
        let fraction = UInt16(min(4095, (moment - Double(milliseconds)) * 4096))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> UInt64(40 - index * 8)) }
        var generator = SystemRandomNumberGenerator()
        for index in 8..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = 0x70 | UInt8(fraction >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: fraction)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
