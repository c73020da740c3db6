import PGKit
import Testing

@Suite struct PGDurationTextTests {
    @Test(arguments: [("500ms", Duration.milliseconds(500)), ("5s", .seconds(5)), ("1.5s", .milliseconds(1500)),
                      ("2m", .seconds(120)), ("2min", .seconds(120)), ("1h", .seconds(3600)), (" 10S ", .seconds(10))])
    func readsDurationsWithUnits(_ text: String, _ expected: Duration) {
        #expect(PGDurationText.parse(text) == expected)
    }

    @Test func refusesBareNumbersUnlessGivenTheirUnit() {
        #expect(PGDurationText.parse("5000") == nil, "5000 would be seconds to dbctl and milliseconds to PostgreSQL")
        #expect(PGDurationText.parse("30", bareNumberUnit: .seconds(1)) == .seconds(30))
    }

    @Test(arguments: ["", "s", "-5s", "0s", "soon", "5 s s", "1e3s", "0.0001ms", "inf s", "99999999999h"])
    func refusesWhatIsNotAPositiveDuration(_ text: String) {
        #expect(PGDurationText.parse(text, bareNumberUnit: .seconds(1)) == nil)
    }

    @Test func describesDurationsShortly() {
        #expect(PGDurationText.describe(.milliseconds(250)) == "250ms")
        #expect(PGDurationText.describe(.seconds(5)) == "5s")
        #expect(PGDurationText.describe(.milliseconds(1500)) == "1.5s")
        #expect(PGDurationText.describe(.seconds(120)) == "2min")
        #expect(PGDurationText.describe(.seconds(185)) == "3min 5s")
        #expect(PGDurationText.describe(.seconds(3900)) == "1h 5min")
    }
}
