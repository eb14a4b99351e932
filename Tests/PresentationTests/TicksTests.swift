import Testing
@testable import Presentation

@Suite struct TicksTests {
    @Test(arguments: [
        (3000.0, ChartUnit.operationsPerSecond, 3500.0, 500.0),
        (0.0458, .seconds, 0.05, 0.01),
        (0.73, .cores, 0.8, 0.2),
        (268_435_456.0, .bytes, 314_572_800.0, 52_428_800.0),
        (0.0, .percent, 1.0, 0.2)
    ])
    func valueTicksAreRoundInTheUnitsScale(maximum: Double, unit: ChartUnit, top: Double, step: Double) {
        let ticks = NiceTicks(maximum: maximum, unit: unit)
        #expect(abs(ticks.maximum - top) < top * 1e-9)
        #expect(abs(ticks.values[1] - step) < step * 1e-9)
        #expect(ticks.values.first == 0)
    }

    @Test func tickLabelsCarryTheScaledUnit() {
        let ticks = NiceTicks(maximum: 268_435_456, unit: .bytes)
        #expect(
            ticks.values.map { ChartUnit.bytes.text($0, axisMaximum: ticks.maximum, decimals: ticks.decimals) }
                == ["0 MiB", "50 MiB", "100 MiB", "150 MiB", "200 MiB", "250 MiB", "300 MiB"])
        #expect(ChartUnit.seconds.text(0.0125) == "12.5 ms")
        #expect(ChartUnit.operationsPerSecond.text(25_000) == "25k op/s")
    }

    @Test func timeTicksAlignToTheClock() {
        // 2026-12-03 03:07:20 to 03:12:40 UTC: minute ticks, the date once.
        let start = 1_796_267_240.0
        let ticks = TimeTicks(start: start, end: start + 320, clock: .utc)
        #expect(ticks.stepSeconds == 60)
        #expect(ticks.ticks.map(\.label) == ["03:08", "03:09", "03:10", "03:11", "03:12"])
        #expect(ticks.ticks.compactMap(\.dateLabel) == ["2026-12-03"])
        let seconds = TimeTicks(start: start + 1, end: start + 31, clock: .utc)
        #expect(seconds.stepSeconds == 5)
        #expect(seconds.ticks.map(\.label) == ["03:07:25", "03:07:30", "03:07:35", "03:07:40", "03:07:45", "03:07:50"])
    }

    @Test func aNewDayIsDated() {
        let beforeMidnight = 1_796_256_000.0 - 3 * 3600  // 2026-12-02 21:00 UTC
        let ticks = TimeTicks(start: beforeMidnight, end: beforeMidnight + 6 * 3600, clock: .utc)
        #expect(ticks.ticks.compactMap(\.dateLabel) == ["2026-12-02", "2026-12-03"])
    }
}

@Suite struct ChartValueTextTests {
    @Test(arguments: [
        (0.045, ChartUnit.cores, "0.045"), (0.05, .cores, "0.05"), (1.5, .cores, "1.5"), (0.0125, .seconds, "12.5 ms"),
        (950, .millisecondsPerSecond, "950 ms/s"), (3000, .operationsPerSecond, "3000 op/s"), (0, .cores, "0"),
        (41_943_040, .bytes, "40 MiB"), (0.000_123_4, .cores, "0.0001")
    ])
    func valuesKeepThreeSignificantDigits(value: Double, unit: ChartUnit, text: String) {
        #expect(unit.text(value) == text)
    }
}
