import Reporting
import Testing

@Suite struct TimeTextTests {
    // 2026-12-03 03:07:20 UTC.
    static let now = 1_796_267_240.0
    static let utc = TimeText.Clock.fixed(nowSeconds: now)
    static let paris = TimeText.Clock.fixed(nowSeconds: now, utcOffsetSeconds: 3600)

    static let utcCases: [(text: String, unixSeconds: Double)] = [
        ("now", now), ("-2h", now - 7200), ("-90s", now - 90), ("-1.5m", now - 90), ("-2d", now - 172_800),
        ("@1796267000", 1_796_267_000), ("03:05", now - 140), ("03:07:20", now),
        // Later than now today: yesterday's.
        ("03:12", now - 86400 + 280), ("23:50", 1_796_255_400),
        ("2026-12-03T03:12:00Z", now + 280), ("2026-12-03T03:12:00.5Z", now + 280.5), ("2026-12-03 03:12", now + 280),
        ("2026-12-03T04:12:00+01:00", now + 280), ("2026-12-03T01:42-0130", now + 280), ("2026-12-03", 1_796_256_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800)
    ]

    @Test(arguments: utcCases)
    func readsEveryFormOnAUTCClock(text: String, expected: Double) throws {
        #expect(try TimeText.unixSeconds(text, clock: Self.utc) == expected)
    }

    @Test func clockTimesAndZonelessDatesAreLocal() throws {
        // 04:07:20 in Paris is now; 04:00 there is 03:00 UTC.
        #expect(try TimeText.unixSeconds("04:00", clock: Self.paris) == Self.now - 440)
        #expect(try TimeText.unixSeconds("2026-12-03 04:00", clock: Self.paris) == Self.now - 440)
        #expect(try TimeText.unixSeconds("2026-12-03T04:00Z", clock: Self.paris) == Self.now - 440 + 3600)
        #expect(try TimeText.unixSeconds("-2h", clock: Self.paris) == Self.now - 7200)
    }

    @Test(arguments: [
        "", "yesterday", "-", "-2x", "25:00", "03:60", "3", "2026-13-01", "2026-02-30", "2026-12-03X03:12",
        "2026-12-03T03:12+99:00", "@", "@abc", "-inf", "12:3"
    ])
    func refusesWhatIsNotATime(text: String) {
        #expect(throws: TimeText.InvalidTime.self) { try TimeText.unixSeconds(text, clock: Self.utc) }
    }

    @Test func theErrorSaysWhatToWrite() {
        let error = TimeText.InvalidTime(text: "yesterday")
        #expect(error.description == "\"yesterday\" is not a time: write \(TimeText.forms)")
    }

    @Test(arguments: [
        (0.0, "1970-01-01 00:00:00"), (951_782_400.0, "2000-02-29 00:00:00"), (now, "2026-12-03 03:07:20"),
        (-1.0, "1969-12-31 23:59:59")
    ])
    func civilTimeMatchesTheCalendar(seconds: Double, text: String) {
        let civil = CivilTime(localSeconds: seconds)
        #expect("\(civil.date) \(civil.hourMinuteSecond)" == text)
        #expect(CivilTime.dayNumber(year: civil.year, month: civil.month, day: civil.day) == civil.dayNumber)
    }
}
