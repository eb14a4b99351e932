import Testing
@testable import ResourceMetrics

@Suite("RateCalculator")
struct RateCalculatorTests {
    static let oneSecond = RateCalculator(
        from: MonotonicInstant(nanoseconds: 1_000_000_000), to: MonotonicInstant(nanoseconds: 2_000_000_000))!

    @Test func ratePerSecondOverTheInterval() throws {
        let rates = try #require(
            RateCalculator(from: MonotonicInstant(nanoseconds: 0), to: MonotonicInstant(nanoseconds: 500_000_000)))
        #expect(rates.elapsedSeconds == 0.5)
        #expect(rates.rate(from: 100, to: 150) == CounterRate(perSecond: 100))
    }

    @Test func aCounterGoingBackwardsIsAResetCountedFromZero() {
        #expect(RateCalculator.increase(from: 1000, to: 30) == (30, true))
        let rate = Self.oneSecond.rate(from: 1000, to: 30)
        #expect(rate.perSecond == 30)
        #expect(rate.wasReset)
        #expect(!Self.oneSecond.rate(from: 30, to: 30).wasReset)
    }

    @Test func noRateWithoutTimePassingOrWithAMissingCounter() {
        #expect(RateCalculator(from: MonotonicInstant(nanoseconds: 5), to: MonotonicInstant(nanoseconds: 5)) == nil)
        #expect(RateCalculator(from: MonotonicInstant(nanoseconds: 6), to: MonotonicInstant(nanoseconds: 5)) == nil)
        #expect(RateCalculator(elapsedSeconds: 0) == nil)
        #expect(Self.oneSecond.rate(from: nil, to: 5) == nil)
        #expect(Self.oneSecond.rate(from: 5, to: nil) == nil)
    }

    @Test func matchesEntriesThatAppearAndVanish() {
        let matched = MatchedEntries(old: [("a", 1), ("b", 2), ("c", 3)], new: [("d", 9), ("c", 4), ("a", 5)], key: \.0)
        #expect(matched.matched.map { "\($0.old.0)\($0.old.1)>\($0.new.1)" } == ["c3>4", "a1>5"])
        #expect(matched.appeared.map(\.0) == ["d"])
        #expect(matched.vanished.map(\.0) == ["b"])
    }

    @Test func monotonicClockAdvances() {
        let first = MonotonicInstant.now()
        let second = MonotonicInstant.now()
        #expect(second >= first)
        #expect(second.seconds(since: first) >= 0)
    }
}
