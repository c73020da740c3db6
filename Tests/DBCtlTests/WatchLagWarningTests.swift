@testable import dbctl
import Testing

/// `--warn-lag` as values: the sizes it takes, and a warning once past the threshold and a
/// note once back under half of it, not one per check.
@Suite struct WatchLagWarningTests {
    @Test func sizesAreReadAsPostgreSQLWritesThem() {
        #expect(ByteSizeArgument(argument: "64MB")?.bytes == 64 << 20)
        #expect(ByteSizeArgument(argument: "512kB")?.bytes == 512 << 10)
        #expect(ByteSizeArgument(argument: "1gb")?.bytes == 1 << 30)
        #expect(ByteSizeArgument(argument: "4096")?.bytes == 4096)
        #expect(ByteSizeArgument(argument: "off")?.bytes == 0)
        #expect(ByteSizeArgument(argument: "lots") == nil)
        #expect(ByteSizeArgument(argument: "-1MB") == nil)
        #expect(ByteSizeArgument.describe(71_400_000) == "68.1MB")
        #expect(ByteSizeArgument.describe(12 << 10) == "12kB")
    }

    @Test func warnsOncePastTheThresholdAndOnceBackUnderHalfOfIt() {
        var warning = WatchLagWarning(slot: "s", threshold: 1000)
        #expect(warning.check(lagBytes: 1000) == nil)
        #expect(warning.check(lagBytes: 1001)?.hasPrefix("warning: slot s is 1001 bytes behind the server's WAL") == true)
        #expect(warning.check(lagBytes: 5000) == nil, "not repeated while it stays behind")
        #expect(warning.check(lagBytes: 600) == nil, "hovering near the threshold is not caught up")
        #expect(warning.check(lagBytes: 500) == "slot s caught up: 500 bytes behind")
        #expect(warning.check(lagBytes: 2000) != nil, "falling behind again warns again")
    }
}
